"""Being in a meeting, for the UI: owns the Call, feeds the item models, ends cleanly."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from enum import StrEnum
from typing import get_args

import aiohttp
import shiboken6
from av.frame import Frame
from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.meeting.call import Call
from app.core.meeting.signaling_client import SignalingError
from app.models.chat_model import ChatModel
from app.models.participants_model import ParticipantsModel
from app.viewmodels.media_controls import MediaControls
from app.viewmodels.media_devices import Devices, PlayerFactory
from app.viewmodels.meeting_layout import MeetingLayout
from app.viewmodels.meeting_text import (
    LEFT,
    LOST,
    chat_problem,
    join_problem,
    removed_message,
    role_message,
)
from app.viewmodels.messages import describe
from app.viewmodels.presence import PresenceNotices
from app.viewmodels.video_frames import VideoFrames
from protocol.codec import Message
from protocol.meeting_types import ChatMessage, HostActionKind, Participant, Role, Source
from protocol.server_messages import (
    ActiveSpeaker,
    Chat,
    MuteRequested,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    Removed,
)

log = logging.getLogger(__name__)

DEFAULT_SUBJECT = "Quick meeting"
HOST_ACTIONS: tuple[str, ...] = get_args(HostActionKind)
CONNECT_ERRORS = (SignalingError, aiohttp.ClientError, OSError, TimeoutError)


class MeetingState(StrEnum):
    """Where we are with the meeting."""

    IDLE = "idle"
    JOINING = "joining"
    IN_MEETING = "in_meeting"
    LEAVING = "leaving"


class MeetingViewModel(QObject):
    """Join or start a meeting, follow its events, chat, host actions, leave."""

    stateChanged = Signal(str)
    infoChanged = Signal()
    roleChanged = Signal(bool)
    stageChanged = Signal(str)
    noticeChanged = Signal(str)
    errorChanged = Signal(str)
    chatArrived = Signal()
    ended = Signal(str)

    def __init__(
        self,
        account: AccountSession,
        devices: Devices,
        player_factory: PlayerFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._account = account
        self.participants = ParticipantsModel(self)
        self.chat = ChatModel(self)
        self.frames = VideoFrames(parent=self)
        self.controls = MediaControls(devices, self.frames, player_factory, self)
        self.presence = PresenceNotices(self.chat, self.controls, self)
        self.layout = MeetingLayout(self.participants, self)
        self.join_with_mic = True
        self.join_with_camera = True
        self._state = MeetingState.IDLE
        self._call: Call | None = None
        self._watcher: asyncio.Task[None] | None = None
        self._names: dict[str, str] = {}
        self._subject = ""
        self._join_code = ""
        # Join code → the invite link to share ("Copy invite"), from the server's summaries.
        self._invite_urls: dict[str, str] = {}
        self._organiser = 0
        self._you = ""
        self._stage = ""
        self._notice = ""
        self._error = ""
        self.controls.notice.connect(self._set_notice)
        self.frames.frameChanged.connect(self._on_frame_shown)

    # What the UI reads

    @property
    def state(self) -> str:
        """A MeetingState value."""
        return self._state.value

    @property
    def subject(self) -> str:
        """The meeting's subject."""
        return self._subject

    @property
    def join_code(self) -> str:
        """The code others join with."""
        return self._join_code

    @property
    def invite_url(self) -> str:
        """The link that invites others to this meeting, "" when the server gave none."""
        return self._invite_urls.get(self._join_code.lower(), "")

    def offer_invite(self, join_code: str, invite_url: str) -> None:
        """Remember a meeting's invite link, for when it is joined."""
        if invite_url:
            self._invite_urls[join_code.lower()] = invite_url

    @property
    def organiser_user_id(self) -> int:
        """The user id of the meeting's organiser (who cannot be demoted or removed)."""
        return self._organiser

    @property
    def you(self) -> str:
        """Your participant id."""
        return self._you

    @property
    def is_host(self) -> bool:
        """True while you are a host (host actions are shown)."""
        me = self.participants.participant(self._you)
        return me is not None and me.role == "host"

    @property
    def stage(self) -> str:
        """Whose shared screen is shown large, or ""."""
        return self._stage

    @property
    def notice(self) -> str:
        """The latest thing that happened to you (muted by a host...), or ""."""
        return self._notice

    @property
    def error(self) -> str:
        """Why joining or starting failed, or ""."""
        return self._error

    @property
    def missing(self) -> list[str]:
        """Devices this machine lacks, as sentences."""
        return list(self.controls.missing)

    def name_of(self, participant_id: str) -> str:
        """A participant's name, also after they left."""
        return self._names.get(participant_id, "someone")

    # Joining and leaving

    @asyncSlot(str)
    async def start(self, subject: str) -> None:
        """Create a meeting you host, then join it."""
        if self._state != MeetingState.IDLE:
            return
        self._set_error("")
        self._set_state(MeetingState.JOINING)
        try:
            meeting = await self._account.api.create_meeting(subject.strip() or DEFAULT_SUBJECT)
        except ApiError as exc:
            self._set_state(MeetingState.IDLE)
            self._set_error(describe(exc))
            return
        self.offer_invite(meeting.join_code, meeting.invite_url)
        await self._join(meeting.join_code)
        if self._state == MeetingState.IN_MEETING:
            self._set_notice(f"Meeting started. Others join with the code {meeting.join_code}.")

    @asyncSlot(str)
    async def join(self, join_code: str) -> None:
        """Join a meeting by its code."""
        if self._state != MeetingState.IDLE:
            return
        code = join_code.strip()
        if not code:
            self._set_error("Please enter the meeting's join code.")
            return
        self._set_error("")
        self._set_state(MeetingState.JOINING)
        await self._join(code)

    @asyncSlot()
    async def leave(self) -> None:
        """Leave the meeting (it goes on for the others)."""
        await self._finish(LEFT, say_goodbye=True)

    async def shutdown(self) -> None:
        """Leave before the app quits."""
        await self._finish("", say_goodbye=True)

    # In the meeting

    @asyncSlot(str, str)
    async def send_chat(self, body: str, to: str = "") -> None:
        """Send a chat message to everyone, or privately to one participant."""
        call = self._call
        problem = chat_problem(body)
        if call is None or problem is None:
            return
        if problem:
            self._set_notice(problem)
            return
        try:
            await call.chat(body.strip(), to or None)
        except SignalingError as exc:
            self._set_notice(f"The message was not sent: {exc.message}")

    @asyncSlot(str, str, str)
    async def host_action(self, action: str, target: str = "", role: str = "") -> None:
        """A host's action on a participant (or on the meeting, for end_meeting)."""
        call = self._call
        if call is None or not self.is_host or action not in HOST_ACTIONS:
            return
        kind: HostActionKind = action  # type: ignore[assignment]
        chosen: Role | None = role if role in ("host", "presenter", "attendee") else None  # type: ignore[assignment]
        try:
            await call.host_action(kind, target or None, chosen)
        except SignalingError as exc:
            self._set_notice(f"That did not work: {exc.message}")

    def dismiss_notice(self) -> None:
        """Hide the notice."""
        self._set_notice("")

    # Inside: joining

    async def _join(self, code: str) -> None:
        api = self._account.api
        # The same certificate trust as the REST client (a pinned one when the server has a pin).
        call = Call(api.base_url, api.token or "", frame_sink=self._on_frame, ssl=api.ssl)
        self._call = call
        self._reset_models()
        call.add_listener(self._on_event)
        try:
            sources = await self.controls.prepare()
            await call.connect()
            wanted = {"microphone": self.join_with_mic, "camera": self.join_with_camera}
            # Sources not wanted yet are published switched off, so no one sees them flicker on.
            off = {source for source in sources if not wanted.get(source, False)}
            joined = await call.join(code, sources, start_off=off)
        except CONNECT_ERRORS as exc:
            self._call = None
            await self.controls.stop()
            with contextlib.suppress(Exception):
                await call.close()
            self._set_state(MeetingState.IDLE)
            self._set_error(join_problem(exc))
            return
        state = call.state
        self._you = state.you
        self._subject, self._join_code = joined.meeting.subject, joined.meeting.join_code
        self._organiser = joined.meeting.host_user_id
        self._names.update({p.id: p.name for p in state.participants.values()})
        self.participants.reset(state.participants.values(), state.you)
        self.participants.set_active_speaker(state.active_speaker)
        for message in state.chat:
            self._add_chat(message)
        await self.controls.start(
            call, state.you, mic=self.join_with_mic, camera=self.join_with_camera
        )
        self._watcher = asyncio.ensure_future(self._watch(call))
        self.infoChanged.emit()
        self.roleChanged.emit(self.is_host)
        self._set_state(MeetingState.IN_MEETING)

    async def _watch(self, call: Call) -> None:
        """Wait for the call's event stream to end: removed, meeting ended, or connection lost."""
        await call.wait_closed()
        if self._call is call and self._state == MeetingState.IN_MEETING:
            reason = call.state.removed_reason
            await self._finish(removed_message(reason) if reason is not None else LOST)

    async def _finish(self, message: str, *, say_goodbye: bool = False) -> None:
        call = self._call
        if call is None or self._state in (MeetingState.IDLE, MeetingState.LEAVING):
            return
        # The window may already be gone (app exit): then only the call and devices are closed.
        self._state = MeetingState.LEAVING
        if self._alive():
            self.stateChanged.emit(self._state.value)
        watcher, self._watcher = self._watcher, None
        if watcher is not None and watcher is not asyncio.current_task():
            watcher.cancel()
            await asyncio.gather(watcher, return_exceptions=True)
        try:
            await (call.leave() if say_goodbye else call.close())
        except Exception:
            log.exception("closing the call failed")
        self._call = None
        await self.controls.stop()
        if not self._alive():
            self._state = MeetingState.IDLE
            return
        self._reset_models()
        self._set_notice("")
        self._set_state(MeetingState.IDLE)
        self.ended.emit(message)

    def _alive(self) -> bool:
        """False once Qt has deleted us or our models (the window closed first)."""
        return all(shiboken6.isValid(o) for o in (self, self.frames, self.participants, self.chat))

    def _reset_models(self) -> None:
        self.frames.clear()
        self.participants.clear()
        self.chat.clear()
        self._you = ""
        self._set_stage("")

    # Inside: events and frames

    def _on_frame(self, participant: str, source: Source, frame: Frame) -> None:
        if not self._alive():
            return
        if source == "microphone":
            self.controls.feed_audio(participant, frame)  # type: ignore[arg-type]
        else:
            self.frames.push(participant, source, frame)  # type: ignore[arg-type]

    def _on_event(self, message: Message) -> None:
        if not self._alive():
            return
        try:
            self._apply(message)
        except Exception:
            log.exception("could not show %s", type(message).__name__)

    def _apply(self, message: Message) -> None:
        if isinstance(message, ParticipantJoined | ParticipantUpdated):
            self._updated(message.participant)
        elif isinstance(message, ParticipantLeft):
            if self._state == MeetingState.IN_MEETING and self.participants.participant(
                message.participant
            ):
                self.presence.announce("left", self.name_of(message.participant))
            self.participants.remove(message.participant)
            self.frames.clear(message.participant)
            self.controls.forget(message.participant)
            self._update_stage()
        elif isinstance(message, Chat):
            if self._add_chat(message.message):
                self.chatArrived.emit()
        elif isinstance(message, ActiveSpeaker):
            self.participants.set_active_speaker(message.participant)
        elif isinstance(message, MuteRequested):
            self.controls.muted_by_host()
        elif isinstance(message, Removed):
            # The server closes the connection next; _watch then returns to the home page.
            self._set_notice(removed_message(message.reason))

    def _updated(self, participant: Participant) -> None:
        self._names[participant.id] = participant.name
        before = self.participants.participant(participant.id)
        self.participants.upsert(participant)
        if self._state == MeetingState.IN_MEETING:  # not those already there as we join
            self.presence.changed(before, participant, self._you)
        if participant.id == self._you and self._you:
            if before is not None and before.role != participant.role:
                self.roleChanged.emit(self.is_host)
                self._set_notice(role_message(participant.role))
            self.controls.own_update(participant)
        else:
            if not participant.camera:
                self.frames.clear(participant.id, "camera")
            if not participant.screen:
                self.frames.clear(participant.id, "screen")
        self._update_stage()

    def _add_chat(self, message: ChatMessage) -> bool:
        return self.chat.add_message(message, self._you, self.name_of)

    def _on_frame_shown(self, participant: str, source: str) -> None:
        if source == "screen" and not self._stage:
            self._update_stage()

    def _update_stage(self) -> None:
        sharing = [
            p.id
            for p in self.participants.participants()
            if p.screen and p.id != self._you and self.frames.has_image(p.id, "screen")
        ]
        self._set_stage(self._stage if self._stage in sharing else (sharing or [""])[0])

    # Inside: setters

    def _set_state(self, state: MeetingState) -> None:
        if state != self._state:
            self._state = state
            self.stateChanged.emit(state.value)

    def _set_stage(self, participant: str) -> None:
        if participant != self._stage:
            self._stage = participant
            self.stageChanged.emit(participant)

    def _set_notice(self, text: str) -> None:
        self._notice = text
        self.noticeChanged.emit(text)

    def _set_error(self, text: str) -> None:
        self._error = text
        self.errorChanged.emit(text)
