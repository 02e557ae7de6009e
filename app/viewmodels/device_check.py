"""What the device check panel shows, before a meeting and inside its Settings.

Both view-models (PrejoinViewModel, MeetingSettingsViewModel) speak this one interface, so the
same widget serves both: device lists with the chosen one, a camera picture, a microphone level,
the microphone and camera switches, a speaker test and the name others see.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import av
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from qasync import asyncSlot

from app.core.media.speaker_tone import Feed, play_tone
from app.viewmodels.media_devices import Choice

log = logging.getLogger(__name__)

KINDS = ("camera", "microphone", "speaker")
NO_SPEAKER_TO_TEST = "No speaker is available to play the test sound on."
PLAYING = "Playing a test sound… you should hear two short notes."
PLAYED = "Didn't hear it? Check the volume, or pick another speaker."
PREVIEW_WIDTH = 320
DRAIN_SECONDS = 0.3


def preview_image(frame: av.VideoFrame, width: int = PREVIEW_WIDTH) -> QImage:
    """A small RGB picture of a camera frame, in its proportions (even sizes, for the scaler)."""
    height = max(2, round(frame.height * width / max(1, frame.width)) // 2 * 2)
    rgb = frame.reformat(width=width, height=height, format="rgb24")
    plane = rgb.planes[0]
    image = QImage(bytes(plane), width, height, plane.line_size, QImage.Format.Format_RGB888)
    return image.copy()  # owns its pixels once `plane` is gone


def device_lists(lists: dict[str, list[Choice]], selected: dict[str, Any]) -> dict[str, Any]:
    """The panel's lists: per kind, (key, name) pairs and the chosen key ("" = the default)."""
    return {
        kind: {
            "choices": [(str(index), c.name) for index, c in enumerate(items)],
            "selected": next(
                (str(i) for i, c in enumerate(items) if c.id == selected.get(kind)), ""
            ),
        }
        for kind, items in lists.items()
    }


def with_not_found(said: list[str], lists: dict[str, list[Choice]]) -> list[str]:
    """The devices' own sentences; when they said nothing, a line naming the kinds not found."""
    empty = [kind for kind in KINDS if not lists.get(kind)]
    if said or not empty:
        return list(said)
    return [f"Not found on this computer: {', '.join(empty)}."]


def chosen_id(items: list[Choice], key: str) -> Any:
    """The device id behind a panel key; None for "" (the system default) or a stale key."""
    return items[int(key)].id if key.isdigit() and int(key) < len(items) else None


class DeviceCheck(QObject):
    """Signals and state shared by the pre-join page and the meeting's Settings."""

    devicesLoaded = Signal(dict)
    previewChanged = Signal(QImage)  # a null image: no picture (camera off or missing)
    levelChanged = Signal(float)  # 0..1, about ten times a second while the microphone is on
    changed = Signal()  # microphone or camera switched, or what can be used changed
    messageChanged = Signal(str)  # what the speaker test is doing, or a device problem
    missingChanged = Signal(list)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.lists: dict[str, list[Choice]] = {kind: [] for kind in KINDS}
        self.missing: list[str] = []
        self.name = ""
        self.name_note = ""
        self.message = ""
        self._playing: asyncio.Task[None] | None = None

    # State for the panel

    @property
    def mic_on(self) -> bool:
        """True when the microphone is (or will be) on."""
        raise NotImplementedError

    @property
    def camera_on(self) -> bool:
        """True when the camera is (or will be) on."""
        raise NotImplementedError

    def has(self, kind: str) -> bool:
        """True when there is at least one device of this kind."""
        return bool(self.lists.get(kind))

    # What the panel does

    def choose(self, kind: str, key: str) -> None:
        """Use the device behind `key` ("" = the system default)."""
        raise NotImplementedError

    def set_mic(self, on: bool) -> None:
        """Switch the microphone on or off."""
        raise NotImplementedError

    def set_camera(self, on: bool) -> None:
        """Switch the camera on or off."""
        raise NotImplementedError

    @asyncSlot()
    async def test_speaker(self) -> None:
        """Play a short sound on the chosen speaker."""
        if self._playing is not None and not self._playing.done():
            return
        feed = self._speaker_feed()
        if isinstance(feed, str):
            self._set_message(feed)
            return
        self._set_message(PLAYING)
        self._playing = asyncio.ensure_future(self._play(feed))
        await asyncio.gather(self._playing, return_exceptions=True)

    # For subclasses

    def _speaker_feed(self) -> Feed | str:
        """Where the test sound goes, or why nothing can play it."""
        return NO_SPEAKER_TO_TEST

    def _speaker_done(self) -> None:
        """The test sound is over (a player opened for it can close)."""

    async def _play(self, feed: Feed) -> None:
        try:
            await play_tone(feed)
            await asyncio.sleep(DRAIN_SECONDS)  # what the player still holds is heard first
        except Exception:
            log.exception("the speaker test failed")
        finally:
            self._speaker_done()
        self._set_message(PLAYED)

    def _stop_playing(self) -> None:
        playing, self._playing = self._playing, None
        if playing is not None and not playing.done():
            playing.cancel()

    def _set_message(self, text: str) -> None:
        self.message = text
        self.messageChanged.emit(text)

    def _set_missing(self, sentences: list[str]) -> None:
        self.missing = sentences
        self.missingChanged.emit(list(sentences))
