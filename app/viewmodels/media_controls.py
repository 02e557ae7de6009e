"""Your microphone, camera, screen share and hand in a meeting, and the devices behind them."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any

import shiboken6
from av import AudioFrame
from av.frame import Frame
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage
from qasync import asyncSlot

from app.core.meeting.call import Call
from app.core.meeting.signaling_client import SignalingError
from app.viewmodels.local_media import LocalMedia
from app.viewmodels.media_devices import Devices, Player, PlayerFactory, ScreenChoice
from app.viewmodels.video_frames import VideoFrames
from protocol.meeting_types import Participant, Source

log = logging.getLogger(__name__)

NO_SPEAKERS = "No speakers are available: you will not hear the others."
DEVICE_KINDS = ("microphone", "speaker", "camera")


def thumbnail_image(thumbnail: Any) -> QImage | None:
    """A monitor Thumbnail (width, height, rgb bytes) as a QImage."""
    try:
        width, height, rgb = int(thumbnail.width), int(thumbnail.height), bytes(thumbnail.rgb)
    except (AttributeError, TypeError, ValueError):
        return None
    if width <= 0 or height <= 0 or len(rgb) < width * height * 3:
        return None
    return QImage(rgb, width, height, width * 3, QImage.Format.Format_RGB888).copy()


class MediaControls(QObject):
    """What this participant sends; every change goes to the server in order, one at a time."""

    changed = Signal()
    notice = Signal(str)
    screensLoaded = Signal(list)
    devicesLoaded = Signal(dict)
    deviceChosen = Signal(str, object)  # kind, device id (None: the default), to be remembered

    def __init__(
        self,
        devices: Devices,
        frames: VideoFrames,
        player_factory: PlayerFactory | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._frames = frames
        self._player_factory = player_factory
        self.local = LocalMedia(devices, camera_tap=self._show_self, microphone_tap=self._hear_self)
        # Who wants your own microphone's frames (the Settings level meter), while it is open.
        self.microphone_listeners: list[Callable[[AudioFrame], None]] = []
        self._call: Call | None = None
        self._you = ""
        self._lock = asyncio.Lock()
        self._want: dict[Source, bool] = {"microphone": False, "camera": False, "screen": False}
        self._hand = False
        self._player: Player | None = None
        self._screens: list[ScreenChoice] = []
        self._choices: dict[str, list[Any]] = {}
        self._tasks: set[asyncio.Future[None]] = set()
        self.missing: list[str] = []

    # State for the toolbar

    @property
    def mic_on(self) -> bool:
        """True while others can hear you."""
        return self._want["microphone"]

    @property
    def camera_on(self) -> bool:
        """True while others can see you."""
        return self._want["camera"]

    @property
    def sharing(self) -> bool:
        """True while you share a screen."""
        return self._want["screen"]

    @property
    def sharing_name(self) -> str:
        """The name of the screen you share, or ""."""
        shared = self.local.sharing
        return shared.name if shared is not None and self.sharing else ""

    @property
    def hand_raised(self) -> bool:
        """True while your hand is up."""
        return self._hand

    @property
    def frames(self) -> VideoFrames:
        """The meeting's video frames, your own camera's among them."""
        return self._frames

    @property
    def you(self) -> str:
        """Your participant id while in a meeting, else ""."""
        return self._you if self._call is not None else ""

    @property
    def can_play(self) -> bool:
        """True while the others' audio plays on a speaker."""
        return self._player is not None

    def can(self, source: Source) -> bool:
        """True when this machine has a device for the source."""
        return self.local.has(source)

    # Joining and leaving

    async def prepare(self) -> dict[Source, Any]:
        """Tracks to publish when joining (no device is opened yet)."""
        sources = await self.local.prepare()
        self.missing = list(self.local.missing)
        return sources

    async def start(self, call: Call, you: str, *, mic: bool, camera: bool) -> None:
        """Joined: open what was asked for, tell the server, start playing the others."""
        self._call, self._you = call, you
        async with self._lock:
            self._want = {"microphone": False, "camera": False, "screen": False}
            if mic and self.local.has("microphone"):
                self._want["microphone"] = await self.local.open_microphone()
                if not self._want["microphone"]:
                    self.notice.emit("The microphone could not be opened.")
            if camera and self.local.has("camera"):
                self._want["camera"] = await self.local.open_camera()
                if not self._want["camera"]:
                    self.notice.emit("The camera could not be opened.")
            await self._push()
        self._open_player()
        self.changed.emit()

    async def stop(self) -> None:
        """Left: stop every device and the player."""
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        async with self._lock:
            self._call = None
            self.local.stop()
            self._want = {"microphone": False, "camera": False, "screen": False}
            self._hand = False
            if self._player is not None:
                self._close_player()
        if shiboken6.isValid(self):
            self.changed.emit()

    # What the toolbar does

    @asyncSlot()
    async def toggle_mic(self) -> None:
        """Mute or unmute."""
        await self.set_mic(not self.mic_on)

    @asyncSlot()
    async def toggle_camera(self) -> None:
        """Start or stop your video."""
        await self.set_camera(not self.camera_on)

    @asyncSlot()
    async def toggle_hand(self) -> None:
        """Raise or lower your hand."""
        call = self._call
        if call is None:
            return
        self._hand = not self._hand
        self.changed.emit()
        try:
            await call.raise_hand(self._hand)
        except SignalingError as exc:
            self.notice.emit(f"Could not change your hand: {exc.message}")

    async def set_mic(self, on: bool) -> None:
        """Unmute (opening the microphone the first time) or mute."""
        async with self._lock:
            if self._call is None or not self.local.has("microphone"):
                return
            if on and not await self.local.open_microphone():
                self.notice.emit("The microphone could not be opened.")
                return
            self._want["microphone"] = on
            self.changed.emit()
            await self._push()

    async def set_camera(self, on: bool) -> None:
        """Turn the camera on (opening it) or off (closing it: its light goes out)."""
        async with self._lock:
            if self._call is None or not self.local.has("camera"):
                return
            if on and not await self.local.open_camera():
                self.notice.emit("The camera could not be opened.")
                return
            self._want["camera"] = on
            self.changed.emit()
            await self._push()
            if not on:
                self.local.close("camera")
                self._frames.clear(self._you, "camera")

    @asyncSlot()
    async def load_screens(self) -> None:
        """List monitors with thumbnails for the share picker (screensLoaded)."""
        self._screens = await self.local.screens()
        found = []
        for screen in self._screens:
            thumbnail = thumbnail_image(await self.local.thumbnail(screen.id))
            size = f"{screen.width} × {screen.height}" if screen.width else ""
            found.append(
                {
                    "key": str(screen.id),
                    "name": screen.name,
                    "size": size,
                    "image": thumbnail,
                    "kind": screen.kind,
                    "width": screen.width,
                    "height": screen.height,
                }
            )
        self.screensLoaded.emit(found)

    @asyncSlot(str)
    async def share_screen(self, key: str, region: tuple[int, int, int, int] | None = None) -> None:
        """Share the monitor or window picked in the share picker (or a region of a monitor)."""
        screen = next((s for s in self._screens if str(s.id) == key), None)
        async with self._lock:
            if self._call is None or screen is None:
                return
            if not await self.local.open_screen(screen, region):
                self.notice.emit("The screen could not be captured.")
                return
            self._want["screen"] = True
            self.changed.emit()
            await self._push()

    @asyncSlot()
    async def stop_share(self) -> None:
        """Stop sharing your screen."""
        async with self._lock:
            if self._call is None or not self._want["screen"]:
                return
            self._want["screen"] = False
            self.changed.emit()
            await self._push()
            self.local.close("screen")

    # Device settings

    @asyncSlot()
    async def load_devices(self) -> None:
        """List microphones, speakers and cameras with the chosen ones (devicesLoaded)."""
        lists = {
            "microphone": await self.local.microphones(),
            "speaker": await self.local.speakers(),
            "camera": await self.local.cameras(),
        }
        self._choices = {kind: [c.id for c in items] for kind, items in lists.items()}
        selected = {
            "microphone": self.local.microphone_id,
            "speaker": self.local.speaker_id,
            "camera": self.local.camera_id,
        }
        self.devicesLoaded.emit(
            {
                kind: {
                    "choices": [(str(index), c.name) for index, c in enumerate(items)],
                    "selected": next(
                        (str(i) for i, c in enumerate(items) if c.id == selected[kind]), ""
                    ),
                }
                for kind, items in lists.items()
            }
        )

    @asyncSlot(str, str)
    async def choose_device(self, kind: str, key: str) -> None:
        """Use another device of a kind ("" = the system default) from now on."""
        ids = self._choices.get(kind, [])
        device_id = ids[int(key)] if key.isdigit() and int(key) < len(ids) else None
        async with self._lock:
            if kind == "camera":
                await self.local.switch_camera(device_id)
            elif kind == "microphone":
                await self.local.switch_microphone(device_id)
            elif kind == "speaker":
                self.local.speaker_id = device_id
                if self._player is not None:
                    self._close_player()
                    self._open_player()
            else:
                return
        self.deviceChosen.emit(kind, device_id)

    # Called by the meeting

    def feed_audio(self, participant: str, frame: AudioFrame) -> None:
        """Play a remote microphone frame."""
        player = self._player
        if player is None:
            return
        try:
            player.feed(participant, frame)
        except Exception:
            log.exception("audio player failed; remote audio is off")
            self._close_player()
            self.notice.emit(NO_SPEAKERS)

    def forget(self, participant: str) -> None:
        """Someone left: drop their buffered audio."""
        forget = getattr(self._player, "forget", None)
        if callable(forget):
            forget(participant)

    def muted_by_host(self) -> None:
        """The call has already muted us; show it."""
        was_on, self._want["microphone"] = self._want["microphone"], False
        self.changed.emit()
        if was_on:
            self.notice.emit("A host muted your microphone. Unmute when you want to speak.")
        else:
            self.notice.emit("A host asked you to stay muted.")

    def own_update(self, participant: Participant) -> None:
        """Our state as the server sees it; a host may have stopped our camera or screen."""
        if self._lock.locked() or self._call is None:
            return
        stopped = [
            source
            for source, on in (("camera", participant.camera), ("screen", participant.screen))
            if self._want[source] and not on  # type: ignore[index]
        ]
        if stopped:
            task = asyncio.ensure_future(self._stopped_by_host(stopped))  # type: ignore[arg-type]
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)

    async def _stopped_by_host(self, sources: list[Source]) -> None:
        async with self._lock:
            for source in sources:
                self._want[source] = False
                self.local.close(source)
                if source == "camera":
                    self._frames.clear(self._you, "camera")
            self.changed.emit()
            await self._push()
        words = " and ".join(
            "your video" if s == "camera" else "your screen share" for s in sources
        )
        self.notice.emit(f"A host stopped {words}.")

    # Inside

    async def _push(self) -> None:
        """Send the wanted state (the lock is held)."""
        call = self._call
        if call is None:
            return
        try:
            await call.set_media(
                mic=self._want["microphone"],
                camera=self._want["camera"],
                screen=self._want["screen"],
            )
        except SignalingError as exc:
            log.warning("set_media failed: %s", exc)

    def _show_self(self, frame: Frame) -> None:
        if not shiboken6.isValid(self._frames):
            return
        if self._call is not None and self._you and self._want["camera"]:
            self._frames.push(self._you, "camera", frame)  # type: ignore[arg-type]

    def _hear_self(self, frame: Frame) -> None:
        if self._want["microphone"]:
            for listener in list(self.microphone_listeners):
                listener(frame)  # type: ignore[arg-type]

    def _open_player(self) -> None:
        if self._player_factory is None:
            return
        try:
            player = self._player_factory(self.local.speaker_id)
        except Exception:
            log.exception("could not open the audio player")
            player = None
        if player is None or not getattr(player, "available", False):
            problem = str(getattr(player, "problem", "") or NO_SPEAKERS)
            if player is not None:
                player.close()
            if problem not in self.missing:
                self.missing.append(problem)
            return
        self._player = player

    def _close_player(self) -> None:
        player, self._player = self._player, None
        if player is not None:
            try:
                player.close()
            except Exception:
                log.exception("closing the audio player failed")
