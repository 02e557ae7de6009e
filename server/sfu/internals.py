"""Every private aiortc, aioice and pylibsrtp name the SFU relies on, checked once at start.

The SFU works below aiortc's public API: tap.py swaps a receiver's jitter buffer, outbound.py
takes over a sender's packet path and keeps its report counters, routes.py writes to the
nominated ICE pair's socket with the DTLS transport's SRTP session, upstream.py reads offers
with aiortc's SDP parser, network.py hands aioice host sockets bound in the media port range.
An upgrade that renames any
of these would otherwise fail mid-meeting (or, worse, quietly stop forwarding), so the server
refuses to start instead, naming the versions this was written for. Attributes that aiortc sets
on instances are looked for in the code of the method that sets them, so nothing is built.
"""

from __future__ import annotations

import logging
import types
from dataclasses import dataclass

log = logging.getLogger(__name__)

# The versions pinned in pyproject.toml, which every name below was read from.
EXPECTED_VERSIONS = {"aiortc": "1.16.0", "aioice": "0.13.0", "pylibsrtp": "1.0.0"}

# aiortc's name-mangled attributes, as tap.py and outbound.py reach them.
JITTER_BUFFER = "_RTCRtpReceiver__jitter_buffer"
RTP_STARTED = "_RTCRtpSender__rtp_started"
RTP_EXITED = "_RTCRtpSender__rtp_exited"
EXTENSIONS_MAP = "_RTCRtpSender__rtp_header_extensions_map"
MID = "_RTCRtpSender__mid"
NTP_TIMESTAMP = "_RTCRtpSender__ntp_timestamp"
RTP_TIMESTAMP = "_RTCRtpSender__rtp_timestamp"
OCTET_COUNT = "_RTCRtpSender__octet_count"
PACKET_COUNT = "_RTCRtpSender__packet_count"
SENDER_STATE = (
    RTP_STARTED,
    RTP_EXITED,
    EXTENSIONS_MAP,
    MID,
    NTP_TIMESTAMP,
    RTP_TIMESTAMP,
    OCTET_COUNT,
    PACKET_COUNT,
    "_ssrc",
    "_enabled",
)


class IncompatibleMediaLibraries(RuntimeError):
    """The installed aiortc, aioice or pylibsrtp lacks a name the SFU relies on."""


@dataclass(frozen=True)
class Internal:
    """`module.owner` has `name`; with `in_code`, the code of `owner.in_code` uses `name`."""

    module: str
    owner: str  # dotted path inside the module
    name: str
    in_code: str | None = None

    def __str__(self) -> str:
        where = f"{self.module}.{self.owner}"
        if self.in_code is None:
            return f"{where}.{self.name}"
        return f"{self.name} in {where}.{self.in_code}()"


INTERNALS: tuple[Internal, ...] = (
    # tap.py: the receiver gives each depayloaded packet to what it holds as its jitter buffer.
    Internal("aiortc", "jitterbuffer", "JitterBuffer"),
    Internal("aiortc", "RTCRtpReceiver", JITTER_BUFFER, "__init__"),
    Internal("aiortc", "RTCRtpReceiver", JITTER_BUFFER, "_handle_rtp_packet"),
    Internal("aiortc", "RTCRtpReceiver", "add", "_handle_rtp_packet"),
    Internal("aiortc", "RTCRtpReceiver", "_data", "_handle_rtp_packet"),
    Internal("aiortc", "RTCRtpReceiver", "_send_rtcp_pli"),
    Internal("aiortc", "RTCRtpReceiver", "_send_rtcp_nack"),
    *(
        Internal("aiortc", "rtp.RtpPacket", name, "__init__")
        for name in ("payload", "marker", "sequence_number", "timestamp", "ssrc", "extensions")
    ),
    *(Internal("aiortc", "rtp.HeaderExtensions", name) for name in ("audio_level", "mid")),
    # outbound.py: the methods aiortc calls (shadowed per instance) and the state it reports.
    Internal("aiortc", "RTCRtpSender", "_run_rtp", "send"),
    Internal("aiortc", "RTCRtpSender", "_retransmit", "_handle_rtcp_packet"),
    Internal("aiortc", "RTCRtpSender", "_send_keyframe", "_handle_rtcp_packet"),
    *(Internal("aiortc", "RTCRtpSender", name, "__init__") for name in SENDER_STATE),
    Internal("aiortc", "rtp.HeaderExtensions", "abs_send_time"),
    Internal("aiortc", "rtp.HeaderExtensionsMap", "set"),
    # upstream.py: offers are checked with aiortc's SDP parser before they are applied.
    Internal("aiortc", "sdp.SessionDescription", "parse"),
    Internal("aiortc", "sdp.SessionDescription", "media", "__init__"),
    *(
        Internal("aiortc", "sdp.MediaDescription", name, "__init__")
        for name in ("kind", "direction", "rtp")
    ),
    Internal("aiortc", "rtcrtpparameters", "RTCRtpCodecCapability"),
    # routes.py: SRTP and the nominated pair's socket, or aiortc's own send.
    Internal("aiortc", "RTCDtlsTransport", "_tx_srtp", "__init__"),
    Internal("aiortc", "RTCDtlsTransport", "_send_rtp"),
    Internal("aiortc", "RTCIceTransport", "_connection", "__init__"),
    Internal("aioice", "Connection", "_nominated", "__init__"),
    Internal("aioice", "ice.CandidatePair", "protocol", "__init__"),
    Internal("aioice", "ice.CandidatePair", "local_candidate"),
    Internal("aioice", "ice.CandidatePair", "remote_addr"),
    Internal("aioice", "ice.StunProtocol", "transport", "connection_made"),
    Internal("aioice", "Candidate", "type", "__init__"),
    Internal("pylibsrtp", "Session", "protect"),
    # network.py: the ICE connection behind a transceiver, and the gathering it shadows.
    Internal("aiortc", "RTCIceGatherer", "_connection", "__init__"),
    Internal("aiortc", "RTCIceTransport", "iceGatherer"),
    Internal("aiortc", "RTCDtlsTransport", "transport"),
    Internal("aioice", "Connection", "get_component_candidates", "gather_candidates"),
    Internal("aioice", "Connection", "_protocols", "__init__"),
    Internal("aioice", "Connection", "local_candidate", "get_component_candidates"),
    Internal("aioice", "ice.StunProtocol", "receiver", "__init__"),
    Internal("aioice", "ice", "get_host_addresses"),
    Internal("aioice", "candidate", "candidate_foundation"),
    Internal("aioice", "candidate", "candidate_priority"),
    Internal("aioice", "turn", "UDP_SOCKET_BUFFER_SIZE"),
)


def missing_internals(*, aiortc: object, aioice: object, pylibsrtp: object) -> list[Internal]:
    """The names of INTERNALS these modules (or stand-ins for them) do not have."""
    modules = {"aiortc": aiortc, "aioice": aioice, "pylibsrtp": pylibsrtp}
    return [item for item in INTERNALS if not _present(modules[item.module], item)]


def check_internals(*, aiortc: object, aioice: object, pylibsrtp: object) -> None:
    """Refuse (IncompatibleMediaLibraries) modules that lack a name; warn on other versions."""
    modules = {"aiortc": aiortc, "aioice": aioice, "pylibsrtp": pylibsrtp}
    installed = {name: str(getattr(module, "__version__", "?")) for name, module in modules.items()}
    missing = missing_internals(aiortc=aiortc, aioice=aioice, pylibsrtp=pylibsrtp)
    if missing:
        raise IncompatibleMediaLibraries(
            "the media forwarder cannot run with the installed "
            + ", ".join(f"{name} {version}" for name, version in installed.items())
            + ": it relies on "
            + "; ".join(map(str, missing))
            + ". Install the versions it was written for: "
            + ", ".join(f"{name}=={version}" for name, version in EXPECTED_VERSIONS.items())
        )
    others = {name: v for name, v in installed.items() if v != EXPECTED_VERSIONS[name]}
    if others:
        log.warning(
            "media libraries %s differ from the tested %s; the private names the SFU uses exist",
            others,
            EXPECTED_VERSIONS,
        )


def require_media_internals() -> None:
    """Check the installed aiortc, aioice and pylibsrtp; called once at server start."""
    import aioice
    import aiortc
    import pylibsrtp

    check_internals(aiortc=aiortc, aioice=aioice, pylibsrtp=pylibsrtp)


def _present(module: object, item: Internal) -> bool:
    owner: object = module
    for part in item.owner.split("."):
        owner = getattr(owner, part, None)
        if owner is None:
            return False
    if item.in_code is None:
        return hasattr(owner, item.name)
    code = getattr(getattr(owner, item.in_code, None), "__code__", None)
    return isinstance(code, types.CodeType) and item.name in _names_in(code)


def _names_in(code: types.CodeType) -> set[str]:
    """Attribute and global names a function's code uses, nested code (lambdas) included."""
    names = set(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            names |= _names_in(const)
    return names
