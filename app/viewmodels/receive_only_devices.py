"""No media devices at all: the meeting is receive-only and says why.

What the app uses when `app.core.media` cannot be loaded. It never stands in with test sources:
those (`SyntheticDevices`) are only for an explicit demo or test run (`--synthetic-devices`).
"""

from __future__ import annotations

from typing import Any

from aiortc import MediaStreamTrack

NOTICE = (
    "Your camera, microphone, speakers and screen can't be used: the media part of Podium could"
    " not be loaded ({reason}). You take part receive-only: you see the others and their chat,"
    " but they can't see or hear you."
)


class ReceiveOnlyDevices:
    """The MediaDevices API with nothing in it; `availability()` names the reason."""

    def __init__(self, reason: str) -> None:
        self.reason = reason

    def cameras(self) -> list[Any]:
        return []

    def microphones(self) -> list[Any]:
        return []

    def speakers(self) -> list[Any]:
        return []

    def monitors(self) -> list[Any]:
        return []

    def monitor_thumbnail(self, monitor_id: Any, max_width: int = 320) -> None:
        return None

    def open_camera(self, device_id: Any = None) -> MediaStreamTrack | None:
        return None

    def open_microphone(self, device_id: Any = None) -> MediaStreamTrack | None:
        return None

    def open_screen(self, monitor_id: Any, region: Any = None, fps: int = 15) -> MediaStreamTrack:
        raise LookupError("no screen can be captured: media devices are unavailable")

    def availability(self) -> list[str]:
        """The one sentence shown in the meeting."""
        return [NOTICE.format(reason=self.reason)]
