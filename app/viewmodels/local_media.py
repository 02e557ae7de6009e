"""This machine's side of a meeting: which devices exist, which are open, and their tracks."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from aiortc import MediaStreamTrack

from app.viewmodels.local_source import LocalSource, Tap
from app.viewmodels.media_devices import (
    Choice,
    Devices,
    ScreenChoice,
    choices,
    safely,
    screen_choices,
    sentences,
)
from protocol.meeting_types import Source

SCREEN_FPS = 15


class LocalMedia:
    """One LocalSource per kind of device the machine has; devices open only while in use."""

    def __init__(
        self, devices: Devices, camera_tap: Tap | None = None, microphone_tap: Tap | None = None
    ) -> None:
        self.devices = devices
        self._taps: dict[Source, Tap | None] = {"camera": camera_tap, "microphone": microphone_tap}
        self.sources: dict[Source, LocalSource] = {}
        self.camera_id: Any = None
        self.microphone_id: Any = None
        self.speaker_id: Any = None
        self.missing: list[str] = []
        self.sharing: ScreenChoice | None = None

    async def cameras(self) -> list[Choice]:
        """Cameras to choose from."""
        return choices(await safely(self.devices.cameras, [], "listing cameras"))

    async def microphones(self) -> list[Choice]:
        """Microphones to choose from."""
        return choices(await safely(self.devices.microphones, [], "listing microphones"))

    async def speakers(self) -> list[Choice]:
        """Speakers to choose from."""
        return choices(await safely(self.devices.speakers, [], "listing speakers"))

    async def screens(self) -> list[ScreenChoice]:
        """Monitors that can be shared."""
        return screen_choices(await safely(self.devices.monitors, [], "listing monitors"))

    async def thumbnail(self, monitor_id: Any, max_width: int = 320) -> Any:
        """A small picture of a monitor, or None."""
        return await safely(
            lambda: self.devices.monitor_thumbnail(monitor_id, max_width=max_width),
            None,
            "taking a monitor thumbnail",
            in_thread=True,
        )

    async def prepare(self) -> dict[Source, MediaStreamTrack]:
        """The tracks to publish when joining: one per kind of device found, none open yet."""
        self.stop()
        self.sharing = None
        self.missing = sentences(await safely(self.devices.availability, [], "availability"))
        found = {
            "microphone": await self.microphones(),
            "camera": await self.cameras(),
            "screen": await self.screens(),
        }
        if not self.missing:
            # Only when the devices said nothing themselves, so no sentence is said twice.
            if not found["microphone"]:
                self.missing.append("No microphone was found: others will not hear you.")
            if not found["camera"]:
                self.missing.append("No camera was found: others will see your initials.")
        self.sources = {}
        # Camera, microphone, screen: the order podium-bot publishes in. (An offer of audio
        # first and then two videos gets no media flowing on its last m-line from the SFU.)
        for source, kind in (("camera", "video"), ("microphone", "audio"), ("screen", "video")):
            if found[source]:
                tap = self._taps.get(source)  # type: ignore[call-overload]
                self.sources[source] = LocalSource(kind, tap)  # type: ignore[index]
        return dict(self.sources)

    def has(self, source: Source) -> bool:
        """True when the meeting can send this source."""
        return source in self.sources

    def is_open(self, source: Source) -> bool:
        """True while a device feeds this source."""
        local = self.sources.get(source)
        return local is not None and local.device is not None

    async def open_microphone(self) -> bool:
        """Open the chosen microphone if it is not open yet."""
        return await self._open(
            "microphone", lambda: self.devices.open_microphone(self.microphone_id)
        )

    async def open_camera(self) -> bool:
        """Open the chosen camera if it is not open yet."""
        return await self._open("camera", lambda: self.devices.open_camera(self.camera_id))

    def close(self, source: Source) -> None:
        """Stop the device behind a source (the camera light goes off)."""
        local = self.sources.get(source)
        if local is not None:
            local.set_device(None)
        if source == "screen":
            self.sharing = None

    async def open_screen(
        self, screen: ScreenChoice, region: tuple[int, int, int, int] | None = None
    ) -> bool:
        """Capture a monitor (or a (left, top, width, height) part of it), replacing the last."""
        local = self.sources.get("screen")
        if local is None:
            return False
        track = await safely(
            lambda: self.devices.open_screen(screen.id, region, fps=SCREEN_FPS),
            None,
            "opening the screen",
        )
        if track is None:
            return False
        local.set_device(track)
        self.sharing = screen if region is None else replace(screen, name=f"part of {screen.name}")
        return True

    async def switch_camera(self, device_id: Any) -> None:
        """Use another camera from now on (at once if the camera is on)."""
        self.camera_id = device_id
        if self.is_open("camera"):
            self.close("camera")
            await self.open_camera()

    async def switch_microphone(self, device_id: Any) -> None:
        """Use another microphone from now on (at once if one is open)."""
        self.microphone_id = device_id
        if self.is_open("microphone"):
            self.close("microphone")
            await self.open_microphone()

    def stop(self) -> None:
        """Stop every device and track (on leaving)."""
        for local in self.sources.values():
            local.stop()
        self.sources = {}
        self.sharing = None

    async def _open(self, source: Source, opener: Any) -> bool:
        local = self.sources.get(source)
        if local is None:
            return False
        if local.device is not None:
            return True
        track = await safely(opener, None, f"opening the {source}")
        if track is None:
            return False
        local.set_device(track)
        return True
