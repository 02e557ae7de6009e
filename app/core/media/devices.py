"""What this machine can capture and play, and factories for the tracks that send it.

Built once by the app and passed in. Nothing here raises because a device or library is missing:
lists come back empty and `availability()` says, in sentences for the user, what is missing.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from aiortc import MediaStreamTrack

from app.core.media.camera import CameraInfo, CameraTrack, system_cameras
from app.core.media.microphone import MicrophoneTrack
from app.core.media.notices import NO_CAMERA, NO_MICROPHONE, NO_PORTAUDIO, NO_SCREEN, NO_SPEAKER
from app.core.media.portaudio import PortAudio
from app.core.media.screen import (
    DEFAULT_FPS,
    Monitor,
    ScreenTrack,
    Thumbnail,
    display_problem,
    list_monitors,
    thumbnail,
)
from app.core.meeting.testsrc import TestPatternTrack

__all__ = ["Device", "MediaAvailability", "MediaDevices", "Monitor", "Thumbnail"]

_log = logging.getLogger(__name__)

DeviceKind = Literal["camera", "microphone", "speaker"]
_KINDS = ("camera", "microphone", "speaker")


@dataclass(frozen=True)
class Device:
    """A camera, microphone or speaker; `id` is stable across restarts, for settings."""

    id: str
    name: str
    kind: DeviceKind

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise ValueError(f"kind must be one of {_KINDS}, not {self.kind!r}")
        if not self.id or not self.name:
            raise ValueError("a device needs an id and a name")


@dataclass(frozen=True)
class MediaAvailability:
    """What can be sent and played here, with one sentence per thing that is missing."""

    camera: bool
    microphone: bool
    speaker: bool
    screen: bool
    audio_library: bool
    notices: tuple[str, ...]

    @property
    def receive_only(self) -> bool:
        """Nothing at all can be sent: the user can only watch and listen."""
        return not (self.camera or self.microphone or self.screen)


class MediaDevices:
    """Lists devices and opens them as aiortc tracks; safe on a machine with none."""

    def __init__(self, *, dev_dir: Path = Path("/dev")) -> None:
        self._dev_dir = dev_dir  # where Linux camera nodes live
        self._portaudio: PortAudio | None = None
        self._portaudio_loaded = False

    # Listing

    def cameras(self) -> list[Device]:
        """Cameras, the default one first."""
        return [Device(c.id, c.name, "camera") for c in self._camera_infos()]

    def microphones(self) -> list[Device]:
        """Audio inputs, the default one first; [] without PortAudio."""
        portaudio = self.portaudio()
        if portaudio is None:
            return []
        return [Device(e.id, e.name, "microphone") for e in portaudio.endpoints("input")]

    def speakers(self) -> list[Device]:
        """Audio outputs, the default one first; [] without PortAudio."""
        portaudio = self.portaudio()
        if portaudio is None:
            return []
        return [Device(e.id, e.name, "speaker") for e in portaudio.endpoints("output")]

    def monitors(self) -> list[Monitor]:
        """Screens that can be shared; [] without a display."""
        return list_monitors()

    def monitor_thumbnail(self, monitor_id: int, max_width: int = 320) -> Thumbnail:
        """A small picture of a screen (blocking; run it in a thread from the UI)."""
        return thumbnail(self._monitor(monitor_id), max_width)

    def availability(self) -> MediaAvailability:
        """What is missing and why, as short sentences to show before and in a meeting."""
        notices = []
        camera = bool(self._camera_infos())
        if not camera:
            notices.append(NO_CAMERA)
        portaudio = self.portaudio()
        microphone = speaker = False
        if portaudio is None:
            notices.append(NO_PORTAUDIO)
        else:
            microphone = bool(portaudio.endpoints("input"))
            speaker = bool(portaudio.endpoints("output"))
            if not microphone:
                notices.append(NO_MICROPHONE)
            if not speaker:
                notices.append(NO_SPEAKER)
        screen = bool(self.monitors())
        if not screen:
            notices.append(display_problem() or NO_SCREEN)
        return MediaAvailability(
            camera=camera,
            microphone=microphone,
            speaker=speaker,
            screen=screen,
            audio_library=portaudio is not None,
            notices=tuple(notices),
        )

    # Opening

    def open_camera(self, device_id: str | None = None) -> MediaStreamTrack | None:
        """The camera with this id (None: the default); None when it isn't there."""
        infos = self._camera_infos()
        info = infos[0] if device_id is None and infos else None
        if device_id is not None:
            info = next((c for c in infos if c.id == device_id), None)
        if info is None:
            return None
        return CameraTrack(info.url, info.input_format, info.options)

    def open_microphone(self, device_id: str | None = None) -> MediaStreamTrack | None:
        """The microphone with this id (None: the default); None when there is none usable."""
        portaudio = self.portaudio()
        if portaudio is None:
            return None
        endpoint = portaudio.find(device_id, "input")
        if endpoint is None:
            return None
        channels = portaudio.channels_for(endpoint, "input")
        if channels is None:
            _log.warning("%s takes neither mono nor stereo 48 kHz int16", endpoint.id)
            return None
        return MicrophoneTrack(portaudio, endpoint, channels)

    def open_screen(
        self,
        monitor_id: int,
        region: tuple[int, int, int, int] | None = None,
        fps: int = DEFAULT_FPS,
    ) -> MediaStreamTrack:
        """A monitor, or a (left, top, width, height) region inside it; ValueError if unknown."""
        return ScreenTrack(self._monitor(monitor_id), region, fps)

    def test_pattern(self) -> MediaStreamTrack:
        """A moving test pattern, for a machine without a camera or when the user asks."""
        return TestPatternTrack()

    # Helpers

    def portaudio(self) -> PortAudio | None:
        """PortAudio, loaded on first use; None (for good) if it isn't installed."""
        if not self._portaudio_loaded:
            self._portaudio, _reason = PortAudio.load()  # the reason is logged there
            self._portaudio_loaded = True
        return self._portaudio

    def _camera_infos(self) -> list[CameraInfo]:
        return system_cameras(self._dev_dir)

    def _monitor(self, monitor_id: int) -> Monitor:
        for monitor in self.monitors():
            if monitor.id == monitor_id:
                return monitor
        raise ValueError(f"there is no screen {monitor_id} to capture")
