"""A participant's upstream connection: the client offers its tracks, the server only receives."""

from __future__ import annotations

from dataclasses import dataclass

from aiortc import (
    RTCBundlePolicy,
    RTCConfiguration,
    RTCPeerConnection,
    RTCRtpReceiver,
    RTCSessionDescription,
)
from aiortc.rtcrtpparameters import RTCRtpCodecCapability
from aiortc.sdp import SessionDescription

from protocol.meeting_types import SOURCES, Source
from server.sfu.engine import MediaError
from server.sfu.network import MediaNetwork, SfuPeerConnection
from server.sfu.tap import FrameAssembler, tap_receiver

MAX_MEDIA_SECTIONS = 8
KIND_OF_SOURCE: dict[str, str] = {"camera": "video", "screen": "video", "microphone": "audio"}
CODEC_OF_KIND = {"video": "video/vp8", "audio": "audio/opus"}
SENDING = ("sendonly", "sendrecv")


def peer_connection(network: MediaNetwork | None = None) -> RTCPeerConnection:
    """A connection with host candidates only: no STUN or TURN server is ever contacted.

    With a `network` that sets a port range or a public address, its sockets are reserved now
    (network.py), so a full range is a MediaError here.
    """
    configuration = RTCConfiguration(iceServers=[], bundlePolicy=RTCBundlePolicy.MAX_BUNDLE)
    if network is None or network.default:
        return RTCPeerConnection(configuration)
    return SfuPeerConnection(network, configuration=configuration)


def preferred_codecs(kind: str) -> list[RTCRtpCodecCapability]:
    """VP8 or Opus, and no RTX."""
    # aiortc routes RTX by payload type alone, which is ambiguous once a bundle holds two video
    # m-lines (camera and screen): retransmissions would be dropped. Without RTX a NACKed packet
    # is resent as it was, on its own SSRC, and routed like any other.
    # getCapabilities is Optional only for kinds other than audio and video, never passed here.
    return [
        codec
        for codec in RTCRtpReceiver.getCapabilities(kind).codecs  # type: ignore[union-attr]
        if codec.mimeType.lower() == CODEC_OF_KIND[kind]
    ]


@dataclass(frozen=True)
class Incoming:
    """A published upstream track: its mid, what it carries, and the frames it yields."""

    mid: str
    source: Source
    kind: str
    assembler: FrameAssembler


class Upstream:
    """Answers a participant's offers receive-only and taps every receiver for frames."""

    def __init__(self, network: MediaNetwork | None = None) -> None:
        self._pc = peer_connection(network)
        self._assemblers: dict[str, FrameAssembler] = {}

    @property
    def connection(self) -> RTCPeerConnection:
        return self._pc

    async def negotiate(
        self, offer_sdp: str, sources: dict[str, Source]
    ) -> tuple[str, list[Incoming]]:
        """Apply an offer; return the answer and the published tracks (one per source)."""
        description = _parse(offer_sdp)
        _check(description, sources)
        known = {t.mid for t in self._pc.getTransceivers()}
        # aiortc answers with the offerer's first common codec; transceivers made beforehand
        # with codec preferences (matched to the new m-lines in order) pin VP8 and Opus.
        for media in description.media:
            if media.rtp.muxId not in known:
                transceiver = self._pc.addTransceiver(media.kind, direction="recvonly")
                transceiver.setCodecPreferences(preferred_codecs(media.kind))
        try:
            await self._pc.setRemoteDescription(RTCSessionDescription(offer_sdp, "offer"))
        except Exception as exc:
            raise MediaError(f"the offer was not accepted: {exc}") from exc
        # Tapped before any await: RTP only flows once the answer is out.
        for transceiver in self._pc.getTransceivers():
            mid = transceiver.mid
            if mid is not None and mid not in self._assemblers:
                self._assemblers[mid] = tap_receiver(transceiver.receiver, transceiver.kind)
        await self._pc.setLocalDescription(await self._pc.createAnswer())
        incoming = [
            Incoming(mid, source, KIND_OF_SOURCE[source], self._assemblers[mid])
            for mid, source in sources.items()
        ]
        return self._pc.localDescription.sdp, incoming

    async def close(self) -> None:
        await self._pc.close()


def _parse(offer_sdp: str) -> SessionDescription:
    try:
        return SessionDescription.parse(offer_sdp)
    except Exception as exc:
        raise MediaError("the offer is not valid SDP") from exc


def _check(description: SessionDescription, sources: dict[str, Source]) -> None:
    """Refuse what the SFU cannot forward before anything is changed."""
    if not description.media:
        raise MediaError("the offer is not valid SDP with media to publish")
    if len(description.media) > MAX_MEDIA_SECTIONS:
        raise MediaError(f"at most {MAX_MEDIA_SECTIONS} media sections can be published")
    by_mid = {}
    for media in description.media:
        if media.kind not in CODEC_OF_KIND:
            raise MediaError(f"{media.kind} sections cannot be published")
        if not any(c.mimeType.lower() == CODEC_OF_KIND[media.kind] for c in media.rtp.codecs):
            raise MediaError(f"{media.kind} must offer {CODEC_OF_KIND[media.kind]}")
        by_mid[media.rtp.muxId] = media
    if len(set(sources.values())) != len(sources):
        raise MediaError("each source can be published once")
    for mid, source in sources.items():
        if source not in SOURCES:
            raise MediaError(f"unknown source {source!r}")
        section = by_mid.get(mid)
        if section is None:
            raise MediaError(f"the offer has no mid {mid!r}")
        if section.kind != KIND_OF_SOURCE[source]:
            raise MediaError(f"{source} must be a {KIND_OF_SOURCE[source]} section")
        if section.direction not in SENDING:
            raise MediaError(f"mid {mid!r} does not send")
