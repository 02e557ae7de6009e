"""Being in one meeting: signaling, the upstream and downstream peer connections, and state.

The server's SFU gets one upstream connection (we offer our tracks) and keeps one downstream
connection to us (it offers, we answer, again whenever tracks come and go). Both are made once
`welcome` has said which STUN and TURN servers to use; with `relay_only`, only TURN relay
candidates are used (a network that lets no UDP through to the server). Every local source
gets its transceiver at join, behind a gate, so turning a camera or screen share on and off never
needs a renegotiation.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Collection
from dataclasses import dataclass, field

from aiortc import (
    MediaStreamTrack,
    RTCBundlePolicy,
    RTCConfiguration,
    RTCIceServer,
    RTCPeerConnection,
    RTCSessionDescription,
)
from aiortc.mediastreams import MediaStreamError
from aiortc.rtcconfiguration import RTCIceTransportPolicy
from av.frame import Frame

from app.core.api.transport import SslOption
from app.core.meeting.gated_track import GatedTrack
from app.core.meeting.signaling_client import SignalingClient, SignalingError
from protocol.client_messages import (
    ChatSend,
    DownstreamAnswer,
    Hello,
    HostAction,
    Join,
    Leave,
    Publish,
    RaiseHand,
    SetMedia,
)
from protocol.codec import Message
from protocol.meeting_types import (
    ChatMessage,
    HostActionKind,
    MeetingInfo,
    Participant,
    Role,
    Source,
    TrackInfo,
)
from protocol.server_messages import (
    ActiveSpeaker,
    Chat,
    DownstreamOffer,
    IceServer,
    Joined,
    MuteRequested,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    PublishAnswer,
    Removed,
    Welcome,
)
from protocol.version import PROTOCOL_VERSION

log = logging.getLogger(__name__)

FrameSink = Callable[[str, Source, Frame], None]


def ice_configuration(servers: tuple[IceServer, ...], *, relay_only: bool) -> RTCConfiguration:
    """The peer connections' configuration for the ICE servers `welcome` listed."""
    if relay_only and not any(url.startswith("turn") for s in servers for url in s.urls):
        raise SignalingError(
            "no_turn_server", "relay only was asked for, but the server lists no TURN server"
        )
    # Max-bundle: with aiortc's default "balanced" policy an offer of audio, video, video puts
    # the second video on a transport that BUNDLE then discards, and that track never flows.
    return RTCConfiguration(
        iceServers=[
            RTCIceServer(urls=list(s.urls), username=s.username, credential=s.credential)
            for s in servers
        ],
        iceTransportPolicy=RTCIceTransportPolicy.RELAY if relay_only else RTCIceTransportPolicy.ALL,
        bundlePolicy=RTCBundlePolicy.MAX_BUNDLE,
    )


Listener = Callable[[Message], None]


@dataclass
class CallState:
    """What the meeting looks like from here; changed only by the call's event loop."""

    meeting: MeetingInfo | None = None
    you: str = ""
    participants: dict[str, Participant] = field(default_factory=dict)
    chat: list[ChatMessage] = field(default_factory=list)
    active_speaker: str | None = None
    removed_reason: str | None = None
    remote_tracks: dict[tuple[str, Source], MediaStreamTrack] = field(default_factory=dict)


class Call:
    def __init__(
        self,
        base_url: str,
        token: str,
        frame_sink: FrameSink | None = None,
        *,
        ssl: SslOption = True,
        relay_only: bool = False,
    ):
        self._signaling = SignalingClient(base_url, ssl=ssl)
        self._relay_only = relay_only
        self._configuration: RTCConfiguration | None = None  # once welcome has come
        self._token = token
        self._frame_sink = frame_sink
        self.state = CallState()
        self._listeners: list[Listener] = []
        self._up: RTCPeerConnection | None = None
        self._down: RTCPeerConnection | None = None
        self._down_tracks: dict[str, TrackInfo] = {}
        self._local: dict[Source, GatedTrack] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._events_task: asyncio.Task[None] | None = None
        self._readers: dict[int, asyncio.Task[None]] = {}
        self.user_id = 0
        self.name = ""

    def add_listener(self, listener: Listener) -> None:
        """Called with every event message after the state reflects it."""
        self._listeners.append(listener)

    # Joining

    async def connect(self) -> None:
        await self._signaling.connect()
        welcome = await self._signaling.request(
            Hello(id=self._signaling.next_id(), version=PROTOCOL_VERSION, token=self._token)
        )
        assert isinstance(welcome, Welcome)
        self.user_id, self.name = welcome.user_id, welcome.name
        self._configuration = ice_configuration(welcome.ice_servers, relay_only=self._relay_only)
        self._down = self._peer_connection()

    def _peer_connection(self) -> RTCPeerConnection:
        if self._configuration is None:
            raise SignalingError(
                "not_connected", "connect first: the ICE servers come with welcome"
            )
        return RTCPeerConnection(self._configuration)

    async def join(
        self,
        join_code: str,
        sources: dict[Source, MediaStreamTrack],
        *,
        start_off: Collection[Source] = (),
    ) -> Joined:
        """Join and publish `sources`, each behind a gate: open, or closed if in `start_off`.

        A source that may be turned on later (a screen share) is published at join with a
        placeholder track and `start_off`, then swapped in with `replace_source`.
        """
        joined = await self._signaling.request(
            Join(id=self._signaling.next_id(), join_code=join_code)
        )
        assert isinstance(joined, Joined)
        self.state.meeting = joined.meeting
        self.state.you = joined.you
        self.state.participants = {p.id: p for p in joined.participants}
        self.state.chat = list(joined.chat)
        self._events_task = asyncio.create_task(self._handle_events())
        if sources:
            await self._publish(sources, set(start_off))
        await self.set_media(
            mic="microphone" in sources and "microphone" not in start_off,
            camera="camera" in sources and "camera" not in start_off,
            screen="screen" in sources and "screen" not in start_off,
        )
        return joined

    async def _publish(self, sources: dict[Source, MediaStreamTrack], off: set[Source]) -> None:
        self._up = self._peer_connection()
        by_transceiver = []
        for source, track in sources.items():
            gated = GatedTrack(track, open_now=source not in off)
            self._local[source] = gated
            by_transceiver.append((self._up.addTransceiver(gated, direction="sendonly"), source))
        await self._up.setLocalDescription(await self._up.createOffer())
        mids = {str(t.mid): source for t, source in by_transceiver}
        answer = await self._signaling.request(
            Publish(id=self._signaling.next_id(), sdp=self._up.localDescription.sdp, sources=mids)
        )
        assert isinstance(answer, PublishAnswer)
        await self._up.setRemoteDescription(RTCSessionDescription(answer.sdp, "answer"))

    # What this participant does

    async def set_media(self, *, mic: bool, camera: bool, screen: bool) -> None:
        switches: tuple[tuple[Source, bool], ...] = (
            ("microphone", mic),
            ("camera", camera),
            ("screen", screen),
        )
        for source, on in switches:
            gate = self._local.get(source)
            if gate is not None:
                gate.open() if on else gate.close()
        await self._request(
            SetMedia(
                id=self._signaling.next_id(),
                mic=mic and "microphone" in self._local,
                camera=camera and "camera" in self._local,
                screen=screen and "screen" in self._local,
            )
        )

    def replace_source(self, source: Source, track: MediaStreamTrack) -> None:
        """Send `track` for `source` from now on (another device, another screen region)."""
        gate = self._local.get(source)
        if gate is None:
            raise ValueError(f"{source} was not published at join")
        gate.replace_source(track)

    def publishes(self, source: Source) -> bool:
        """Whether `source` has a transceiver, so it can be turned on without renegotiating."""
        return source in self._local

    def sending(self, source: Source) -> bool:
        gate = self._local.get(source)
        return gate is not None and gate.is_open

    async def chat(self, body: str, to: str | None = None) -> None:
        await self._request(ChatSend(id=self._signaling.next_id(), body=body, to=to))

    async def raise_hand(self, raised: bool) -> None:
        await self._request(RaiseHand(id=self._signaling.next_id(), raised=raised))

    async def host_action(
        self, action: HostActionKind, target: str | None = None, role: Role | None = None
    ) -> None:
        await self._request(
            HostAction(id=self._signaling.next_id(), action=action, target=target, role=role)
        )

    async def leave(self) -> None:
        if not self._signaling.closed and self.state.removed_reason is None:
            with contextlib.suppress(Exception):
                await self._request(Leave(id=self._signaling.next_id()))
        await self.close()

    async def close(self) -> None:
        for task in [*self._readers.values(), *self._tasks]:
            task.cancel()
        if self._events_task is not None:
            self._events_task.cancel()
        await self._signaling.close()
        for gate in self._local.values():
            gate.stop()
        if self._up is not None:
            await self._up.close()
        if self._down is not None:
            await self._down.close()

    async def _request(self, message: Message) -> Message:
        return await self._signaling.request(message)

    # Events from the server

    @property
    def close_code(self) -> int | None:
        """Once signaling has closed, its close code: why the server let us go."""
        return self._signaling.close_code

    async def wait_closed(self) -> None:
        """Return when the server's events end: removed, meeting ended, or connection lost."""
        if self._events_task is not None:
            await asyncio.wait({self._events_task})

    async def _handle_events(self) -> None:
        async for message in self._signaling.events():
            try:
                await self._apply(message)
            except Exception:
                log.exception("could not handle %s", type(message).__name__)
            for listener in list(self._listeners):
                # One faulty listener must not stop the call for everyone else listening.
                try:
                    listener(message)
                except Exception:
                    log.exception("a listener failed on %s", type(message).__name__)

    async def _apply(self, message: Message) -> None:
        state = self.state
        if isinstance(message, ParticipantJoined | ParticipantUpdated):
            state.participants[message.participant.id] = message.participant
        elif isinstance(message, ParticipantLeft):
            state.participants.pop(message.participant, None)
            for key in [k for k in state.remote_tracks if k[0] == message.participant]:
                del state.remote_tracks[key]
        elif isinstance(message, Chat):
            state.chat.append(message.message)
        elif isinstance(message, ActiveSpeaker):
            state.active_speaker = message.participant
        elif isinstance(message, MuteRequested):
            if self.sending("microphone"):
                await self.set_media(
                    mic=False, camera=self.sending("camera"), screen=self.sending("screen")
                )
        elif isinstance(message, Removed):
            state.removed_reason = message.reason
        elif isinstance(message, DownstreamOffer):
            await self._answer(message)

    async def _answer(self, offer: DownstreamOffer) -> None:
        if self._down is None:  # offers come only after join, which needs welcome
            raise SignalingError("not_connected", "a downstream offer came before welcome")
        await self._down.setRemoteDescription(RTCSessionDescription(offer.sdp, "offer"))
        await self._down.setLocalDescription(await self._down.createAnswer())
        await self._signaling.send(
            DownstreamAnswer(id=self._signaling.next_id(), sdp=self._down.localDescription.sdp)
        )
        self._down_tracks = {info.mid: info for info in offer.tracks}
        current: dict[tuple[str, Source], MediaStreamTrack] = {}
        for transceiver in self._down.getTransceivers():
            info = self._down_tracks.get(str(transceiver.mid))
            if info is None or transceiver.receiver.track is None:
                continue
            track = transceiver.receiver.track
            current[(info.participant, info.source)] = track
            if id(track) not in self._readers:
                self._readers[id(track)] = asyncio.create_task(
                    self._read_frames(str(transceiver.mid), track)
                )
        self.state.remote_tracks = current

    async def _read_frames(self, mid: str, track: MediaStreamTrack) -> None:
        # Frames must be taken off every remote track, or aiortc queues them without bound.
        with contextlib.suppress(MediaStreamError, asyncio.CancelledError):
            while True:
                frame = await track.recv()
                # Looked up per frame: a renegotiation may give this mid to another track.
                info = self._down_tracks.get(mid)
                # Remote tracks yield decoded frames; the isinstance check is for the types.
                if info is not None and self._frame_sink is not None and isinstance(frame, Frame):
                    self._frame_sink(info.participant, info.source, frame)
