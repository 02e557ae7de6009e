"""The device check inside a meeting's Settings: the same panel, acting on the running call.

Nothing is opened twice: the picture is your own camera as the meeting sends it, the level is
your microphone's frames on their way out, and the test sound plays through the meeting's own
speaker. Choosing a device switches it in the call at once (MediaControls.choose_device).
"""

from __future__ import annotations

from typing import Any

from av import AudioFrame
from PySide6.QtCore import QObject
from PySide6.QtGui import QImage
from qasync import asyncSlot

from app.core.media.level import LevelMeter, samples_of
from app.core.media.speaker_tone import Feed
from app.viewmodels.device_check import NO_SPEAKER_TO_TEST, DeviceCheck, with_not_found
from app.viewmodels.media_controls import MediaControls
from app.viewmodels.media_devices import Choice

TEST_VOICE = "speaker-test"


class MeetingSettingsViewModel(DeviceCheck):
    """DeviceCheck over MediaControls; `close` when the Settings go away."""

    def __init__(self, controls: MediaControls, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controls = controls
        self._meter = LevelMeter()
        self._listening = False
        self.name_note = ""
        controls.devicesLoaded.connect(self._loaded)
        controls.changed.connect(self._on_changed)
        controls.frames.frameChanged.connect(self._on_frame)
        controls.frames.cleared.connect(self._on_cleared)
        self._set_missing(list(controls.missing))

    @property
    def mic_on(self) -> bool:
        return self._controls.mic_on

    @property
    def camera_on(self) -> bool:
        return self._controls.camera_on

    def open(self) -> None:
        """Settings show: list devices, listen to the microphone, show the camera."""
        if not self._listening:
            self._controls.microphone_listeners.append(self._hear)
            self._listening = True
        self._controls.load_devices()
        self._show_picture()

    def close(self) -> None:
        """Settings closed: stop listening (nothing was opened here)."""
        self._stop_playing()
        if self._listening:
            self._controls.microphone_listeners.remove(self._hear)
            self._listening = False

    def choose(self, kind: str, key: str) -> None:
        if kind in self.lists:
            self._controls.choose_device(kind, key)

    @asyncSlot(bool)
    async def set_mic(self, on: bool) -> None:
        await self._controls.set_mic(on)
        if not on:
            self.levelChanged.emit(0.0)

    @asyncSlot(bool)
    async def set_camera(self, on: bool) -> None:
        await self._controls.set_camera(on)

    # Inside

    def _loaded(self, lists: dict[str, Any]) -> None:
        # MediaControls keeps the ids; the panel needs only how many and their names.
        self.lists = {
            kind: [Choice(key, name) for key, name in entry["choices"]]
            for kind, entry in lists.items()
        }
        self.devicesLoaded.emit(lists)
        self._set_missing(with_not_found(list(self._controls.missing), self.lists))
        self.changed.emit()

    def _on_changed(self) -> None:
        self.changed.emit()
        if not self._controls.camera_on:
            self.previewChanged.emit(QImage())

    def _on_frame(self, participant: str, source: str) -> None:
        if source == "camera" and participant == self._controls.you and participant:
            self._show_picture()

    def _on_cleared(self, participant: str, source: str) -> None:
        if source == "camera" and participant == self._controls.you:
            self.previewChanged.emit(QImage())

    def _show_picture(self) -> None:
        you = self._controls.you
        image = self._controls.frames.image(you, "camera") if you else None
        self.previewChanged.emit(image if image is not None else QImage())

    def _hear(self, frame: AudioFrame) -> None:
        level = self._meter.add(samples_of(frame))
        if level is not None:
            self.levelChanged.emit(level.meter)

    def _speaker_feed(self) -> Feed | str:
        if not self._controls.can_play:
            return NO_SPEAKER_TO_TEST
        return lambda frame: self._controls.feed_audio(TEST_VOICE, frame)

    def _speaker_done(self) -> None:
        self._controls.forget(TEST_VOICE)
