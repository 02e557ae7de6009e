"""The pre-join page: check camera, microphone and speaker, then start or join the meeting.

Devices are opened only while the page shows (`open`/`close`, called by the app as the page
comes and goes) and are closed before the meeting opens them itself. The choices are kept in
the config folder (MediaPrefsFile) and handed to the meeting on every join.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Coroutine
from typing import Any

import shiboken6
from aiortc import MediaStreamTrack
from aiortc.mediastreams import MediaStreamError
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from app.core.media.level import LevelMeter, samples_of
from app.core.media.speaker_tone import Feed
from app.core.media_prefs import MediaPrefs, MediaPrefsFile
from app.viewmodels.device_check import (
    KINDS,
    NO_SPEAKER_TO_TEST,
    DeviceCheck,
    chosen_id,
    device_lists,
    preview_image,
    with_not_found,
)
from app.viewmodels.media_devices import Devices, Player, PlayerFactory, choices, safely, sentences
from app.viewmodels.meeting_viewmodel import MeetingState, MeetingViewModel

log = logging.getLogger(__name__)

PREVIEW_FPS = 15
TEST_VOICE = "speaker-test"
CAMERA_FAILED = "The camera could not be opened. Pick another one, or join with it off."
MICROPHONE_FAILED = "The microphone could not be opened. Pick another one, or join muted."


def _stored_id(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


class PrejoinViewModel(DeviceCheck):
    """What to join, with which devices on; Join hands it all to the MeetingViewModel."""

    cancelled = Signal()
    prepared = Signal()

    def __init__(
        self,
        devices: Devices,
        player_factory: PlayerFactory | None,
        prefs_file: MediaPrefsFile,
        meeting: MeetingViewModel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._devices = devices
        self._player_factory = player_factory
        self._prefs_file = prefs_file
        self._meeting = meeting
        prefs = prefs_file.load()
        self._mic_on, self._camera_on = prefs.mic_on, prefs.camera_on
        self.selected: dict[str, Any] = {
            "camera": prefs.camera_id,
            "microphone": prefs.microphone_id,
            "speaker": prefs.speaker_id,
        }
        self.subject: str | None = None  # a meeting to start, or None to join `code`
        self.code = ""
        self.guest = False
        self._loaded = False
        self._showing = False
        self._generation = {kind: 0 for kind in KINDS}
        self._tracks: dict[str, MediaStreamTrack] = {}
        self._pumps: dict[str, asyncio.Task[None]] = {}
        self._player: Player | None = None
        self._apply_to_meeting()
        meeting.controls.deviceChosen.connect(self._chosen_in_meeting)

    # What the page reads

    @property
    def mic_on(self) -> bool:
        return self._mic_on

    @property
    def camera_on(self) -> bool:
        return self._camera_on

    @property
    def showing(self) -> bool:
        """True while the page shows (and its devices may be open)."""
        return self._showing

    def is_open(self, kind: str) -> bool:
        """True while the page holds this device open."""
        return kind in self._tracks

    # What the app does

    def prepare(
        self, *, subject: str | None = None, code: str = "", name: str = "", note: str = ""
    ) -> None:
        """The meeting to start (a subject) or join (a code), and the name others will see."""
        self.subject, self.code = subject, code
        self.name, self.name_note = name, note
        self._set_message("")
        self.prepared.emit()

    def open(self) -> None:
        """The page shows: list the devices and open those that are on."""
        self._showing = True
        self._spawn(self._load())

    def close(self) -> None:
        """The page goes away: close every device (the camera light goes off)."""
        self._showing = False
        self._stop_playing()
        for kind in ("camera", "microphone"):
            self._release(kind)
        self._close_player()

    # What the page does

    def choose(self, kind: str, key: str) -> None:
        if kind not in KINDS:
            return
        self.selected[kind] = chosen_id(self.lists[kind], key)
        self._save()
        if kind != "speaker":
            self._release(kind)
            self._spawn(self._restart(kind))

    def set_mic(self, on: bool) -> None:
        if on == self._mic_on:
            return
        self._mic_on = on
        self._save()
        self.changed.emit()
        self._release("microphone")  # at once: the meter stops with the click
        self._spawn(self._restart("microphone"))

    def set_camera(self, on: bool) -> None:
        if on == self._camera_on:
            return
        self._camera_on = on
        self._save()
        self.changed.emit()
        self._release("camera")
        self._spawn(self._restart("camera"))

    def join(self) -> None:
        """Close the devices here, then start or join with the choices made."""
        if self._meeting.state != MeetingState.IDLE:
            return
        self._save()
        self.close()  # the meeting opens the same devices next: they must be free
        self._apply_to_meeting()
        if self.subject is not None:
            self._meeting.start(self.subject)
        else:
            self._meeting.join(self.code)

    def cancel(self) -> None:
        """Back to where Start or Join was pressed."""
        self.close()
        self.cancelled.emit()

    # Inside: devices

    async def _load(self) -> None:
        lists = {
            "camera": choices(await safely(self._devices.cameras, [], "listing cameras")),
            "microphone": choices(
                await safely(self._devices.microphones, [], "listing microphones")
            ),
            "speaker": choices(await safely(self._devices.speakers, [], "listing speakers")),
        }
        missing = sentences(await safely(self._devices.availability, [], "availability"))
        if not self._showing:
            return
        self.lists, self._loaded = lists, True
        for kind in KINDS:
            if self.selected[kind] not in [c.id for c in lists[kind]]:
                self.selected[kind] = None  # unplugged since: the default is used
        self.devicesLoaded.emit(device_lists(lists, self.selected))
        self._set_missing(with_not_found(missing, lists))
        self.changed.emit()
        await asyncio.gather(self._restart("camera"), self._restart("microphone"))

    async def _restart(self, kind: str) -> None:
        """Close this kind's device and open the chosen one again if it should be on."""
        self._release(kind)
        self._generation[kind] += 1
        generation = self._generation[kind]
        on = self._camera_on if kind == "camera" else self._mic_on
        if not (self._showing and self._loaded and on and self.has(kind)):
            return
        device_id = self.selected[kind]
        opener: Callable[[], Any] = (
            (lambda: self._devices.open_camera(device_id))
            if kind == "camera"
            else (lambda: self._devices.open_microphone(device_id))
        )
        track = await safely(opener, None, f"opening the {kind}")
        if generation != self._generation[kind] or not self._showing:
            if track is not None:
                track.stop()  # chosen again, or the page left, while it opened
            return
        if track is None:
            self._set_message(CAMERA_FAILED if kind == "camera" else MICROPHONE_FAILED)
            return
        listen = getattr(track, "add_failure_listener", None)
        if callable(listen):
            listen(self._set_message)
        self._tracks[kind] = track
        pump = self._pump_camera(track) if kind == "camera" else self._pump_microphone(track)
        self._pumps[kind] = asyncio.ensure_future(pump)

    def _release(self, kind: str) -> None:
        pump = self._pumps.pop(kind, None)
        if pump is not None:
            pump.cancel()
        track = self._tracks.pop(kind, None)
        if track is not None:
            track.stop()
        if not shiboken6.isValid(self):
            return  # the window is gone (app exit): the devices are closed, nobody to tell
        if kind == "camera":
            self.previewChanged.emit(QImage())
        else:
            self.levelChanged.emit(0.0)

    async def _pump_camera(self, track: MediaStreamTrack) -> None:
        loop = asyncio.get_running_loop()
        shown = -1.0
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if not shiboken6.isValid(self):
                    return
                now = loop.time()
                if now - shown >= 1 / PREVIEW_FPS:  # a small preview needs no more
                    shown = now
                    self.previewChanged.emit(preview_image(frame))  # type: ignore[arg-type]

    async def _pump_microphone(self, track: MediaStreamTrack) -> None:
        meter = LevelMeter()
        with contextlib.suppress(MediaStreamError):
            while True:
                frame = await track.recv()
                if not shiboken6.isValid(self):
                    return
                level = meter.add(samples_of(frame))  # type: ignore[arg-type]
                if level is not None:
                    self.levelChanged.emit(level.meter)

    # Inside: the speaker test

    def _speaker_feed(self) -> Feed | str:
        if self._player_factory is None or not self.has("speaker"):
            return NO_SPEAKER_TO_TEST
        self._close_player()
        try:
            player = self._player_factory(self.selected["speaker"])
        except Exception:
            log.exception("could not open the speaker for the test sound")
            return NO_SPEAKER_TO_TEST
        if not getattr(player, "available", False):
            problem = str(getattr(player, "problem", "") or NO_SPEAKER_TO_TEST)
            player.close()
            return problem
        self._player = player
        return lambda frame: player.feed(TEST_VOICE, frame)

    def _speaker_done(self) -> None:
        self._close_player()

    def _close_player(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            try:
                player.close()
            except Exception:
                log.exception("closing the test speaker failed")

    # Inside: remembering

    def _chosen_in_meeting(self, kind: str, device_id: object) -> None:
        if kind in KINDS:
            self.selected[kind] = device_id
            self._save()

    def _save(self) -> None:
        prefs = MediaPrefs(
            camera_id=_stored_id(self.selected["camera"]),
            microphone_id=_stored_id(self.selected["microphone"]),
            speaker_id=_stored_id(self.selected["speaker"]),
            mic_on=self._mic_on,
            camera_on=self._camera_on,
        )
        try:
            self._prefs_file.save(prefs)
        except OSError as exc:
            log.warning("cannot remember the device choices in %s: %s", self._prefs_file.path, exc)

    def _apply_to_meeting(self) -> None:
        self._meeting.join_with_mic = self._mic_on
        self._meeting.join_with_camera = self._camera_on
        local = self._meeting.controls.local
        local.camera_id = self.selected["camera"]
        local.microphone_id = self.selected["microphone"]
        local.speaker_id = self.selected["speaker"]

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(work)
        task.add_done_callback(_log_failure)


def _log_failure(task: asyncio.Future[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("pre-join device work failed", exc_info=task.exception())
