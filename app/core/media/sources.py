"""From the user's choices to the tracks `Call.join` sends, plus what to tell them is missing."""

from __future__ import annotations

from dataclasses import dataclass, field

from aiortc import MediaStreamTrack

from app.core.media.devices import MediaDevices
from app.core.media.notices import (
    CHOSEN_CAMERA_MISSING,
    CHOSEN_MICROPHONE_MISSING,
    MICROPHONE_UNUSABLE,
    NO_CAMERA,
    NO_MICROPHONE,
    NO_PORTAUDIO,
)
from protocol.meeting_types import Source


@dataclass(frozen=True)
class MediaChoices:
    """What the user wants to send on joining; None ids mean the system's default device."""

    camera: bool = True
    microphone: bool = True
    camera_id: str | None = None
    microphone_id: str | None = None
    test_pattern: bool = False  # send a moving test pattern in place of a camera

    def __post_init__(self) -> None:
        if self.test_pattern and not self.camera:
            raise ValueError("a test pattern is sent as the camera: turn the camera on for it")


@dataclass(frozen=True)
class JoinMedia:
    """The tracks to publish and, for the UI, a sentence for each wish that couldn't be met."""

    sources: dict[Source, MediaStreamTrack] = field(default_factory=dict)
    notices: tuple[str, ...] = ()

    def stop(self) -> None:
        """Release every track (when the join is abandoned before Call took them)."""
        for track in self.sources.values():
            track.stop()


def join_media(devices: MediaDevices, choices: MediaChoices) -> JoinMedia:
    """Open what was chosen; what can't be opened is left out and explained, never raised."""
    sources: dict[Source, MediaStreamTrack] = {}
    notices: list[str] = []
    if choices.camera:
        camera = _open_camera(devices, choices, notices)
        if camera is not None:
            sources["camera"] = camera
    if choices.microphone:
        microphone = _open_microphone(devices, choices.microphone_id, notices)
        if microphone is not None:
            sources["microphone"] = microphone
    return JoinMedia(sources, tuple(notices))


def _open_camera(
    devices: MediaDevices, choices: MediaChoices, notices: list[str]
) -> MediaStreamTrack | None:
    if choices.test_pattern:
        return devices.test_pattern()
    track = devices.open_camera(choices.camera_id)
    if track is None and choices.camera_id is not None:
        # The remembered camera is unplugged: the default one is what people expect instead.
        track = devices.open_camera(None)
        if track is not None:
            notices.append(CHOSEN_CAMERA_MISSING.format(name=devices.cameras()[0].name))
    if track is None:
        notices.append(NO_CAMERA)
    return track


def _open_microphone(
    devices: MediaDevices, device_id: str | None, notices: list[str]
) -> MediaStreamTrack | None:
    if devices.portaudio() is None:
        notices.append(NO_PORTAUDIO)
        return None
    track = devices.open_microphone(device_id)
    if track is None and device_id is not None:
        track = devices.open_microphone(None)
        if track is not None:
            notices.append(CHOSEN_MICROPHONE_MISSING.format(name=devices.microphones()[0].name))
    if track is None:
        notices.append(MICROPHONE_UNUSABLE if devices.microphones() else NO_MICROPHONE)
    return track
