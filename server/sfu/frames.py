"""Encoded frames as the SFU sees them: opaque bytes plus the little it may read in clear."""

from __future__ import annotations

from dataclasses import dataclass

# RTP clock rates of the two codecs the SFU forwards, and one frame's worth of ticks, used to
# keep a downstream timeline continuous when a transceiver is handed to another track.
CLOCK_RATE = {"video": 90_000, "audio": 48_000}
FRAME_TICKS = {"video": 3_000, "audio": 960}

_VP8_START_CODE = b"\x9d\x01\x2a"


@dataclass(slots=True, eq=False)
class EncodedFrame:
    """One whole encoded frame, shared read-only by every viewer it goes to."""

    data: bytes
    timestamp: int  # RTP clock ticks since the track's first frame, unwrapped
    keyframe: bool
    audio_level: int | None = None  # RFC 6464 level in -dBov (0 loudest, 127 silence)
    picture_id: int = 0  # VP8 picture id, numbered by the publication
    payloads: list[bytes] | None = None  # RTP payloads, made once for all viewers


def is_vp8_keyframe(data: bytes) -> bool:
    """A VP8 key frame: P bit clear and the start code (both stay clear under SFrame)."""
    return len(data) >= 10 and not data[0] & 0x01 and data[3:6] == _VP8_START_CODE
