"""Stand-in media devices: a test pattern camera, a tone microphone and two pattern "screens".

Used by tests, screenshots and demos only, when asked for out loud (`podium --synthetic-devices`
or PODIUM_SYNTHETIC_DEVICES=1): others would otherwise receive a test pattern and a tone in place
of the user. Without real devices the app joins receive-only (`ReceiveOnlyDevices`).
"""

from __future__ import annotations

from dataclasses import dataclass

from aiortc import MediaStreamTrack

from app.core.meeting.testsrc import TestPatternTrack, ToneTrack

CAMERA_SIZE = (640, 360)
CAMERA_FPS = 15
SCREEN_SIZE = (1280, 720)


@dataclass(frozen=True)
class Device:
    """A named device."""

    id: str
    name: str


@dataclass(frozen=True)
class Monitor:
    """A screen and where it sits on the desktop."""

    id: int
    name: str
    left: int
    top: int
    width: int
    height: int


@dataclass(frozen=True)
class Thumbnail:
    """A small RGB picture of a monitor."""

    width: int
    height: int
    rgb: bytes


def _thumbnail(width: int, height: int, tint: int) -> bytes:
    """Diagonal bands, tinted per monitor so the picker can tell them apart."""
    rows = []
    for y in range(height):
        row = bytearray()
        for x in range(0, width, 8):
            band = ((x + y) // 24) % 2
            level = 60 + band * 90 + (y * 60 // height)
            pixel = bytes(((level + tint) % 256, level, (level + 2 * tint) % 256))
            row += pixel * min(8, width - x)
        rows.append(bytes(row))
    return b"".join(rows)


class SyntheticDevices:
    """The MediaDevices API over test sources; `camera`/`microphone` False remove that device."""

    def __init__(self, *, camera: bool = True, microphone: bool = True, screens: int = 2) -> None:
        self._camera = camera
        self._microphone = microphone
        self._monitors = [
            Monitor(index + 1, f"Test screen {index + 1}", index * SCREEN_SIZE[0], 0, *SCREEN_SIZE)
            for index in range(screens)
        ]
        self.opened: list[str] = []

    def cameras(self) -> list[Device]:
        """One test pattern camera, unless switched off."""
        return [Device("test-pattern", "Test pattern")] if self._camera else []

    def microphones(self) -> list[Device]:
        """One tone generator, unless switched off."""
        return [Device("tone", "Test tone (440 Hz)")] if self._microphone else []

    def speakers(self) -> list[Device]:
        """No speakers: nothing is played."""
        return []

    def monitors(self) -> list[Monitor]:
        """The pattern screens."""
        return list(self._monitors)

    def monitor_thumbnail(self, monitor_id: int, max_width: int = 320) -> Thumbnail:
        """A tinted pattern in the monitor's proportions."""
        monitor = next(m for m in self._monitors if m.id == monitor_id)
        width = min(max_width, monitor.width)
        height = max(1, monitor.height * width // monitor.width)
        return Thumbnail(width, height, _thumbnail(width, height, 70 * monitor.id))

    def open_camera(self, device_id: str | None = None) -> MediaStreamTrack | None:
        """A moving test pattern."""
        if not self._camera:
            return None
        self.opened.append("camera")
        return TestPatternTrack(*CAMERA_SIZE, fps=CAMERA_FPS)

    def open_microphone(self, device_id: str | None = None) -> MediaStreamTrack | None:
        """A quiet 440 Hz tone."""
        if not self._microphone:
            return None
        self.opened.append("microphone")
        return ToneTrack(level=0.05)

    def open_screen(
        self, monitor_id: int, region: object = None, fps: int = 15
    ) -> MediaStreamTrack:
        """A large test pattern."""
        self.opened.append(f"screen {monitor_id}")
        return TestPatternTrack(*SCREEN_SIZE, fps=fps)

    def test_pattern(self) -> MediaStreamTrack:
        """The camera pattern."""
        return TestPatternTrack(*CAMERA_SIZE, fps=CAMERA_FPS)

    def availability(self) -> list[str]:
        """What is missing, as sentences."""
        missing = []
        if not self._camera:
            missing.append("No camera was found: others will see your initials.")
        if not self._microphone:
            missing.append("No microphone was found: others will not hear you.")
        return missing
