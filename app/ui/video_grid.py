"""The video area: a grid that adapts to the number of people, or a shared screen on stage."""

from __future__ import annotations

import math

from PySide6.QtCore import QModelIndex, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QWidget

from app.models.participants_model import ParticipantRole, ParticipantsModel
from app.ui.video_tile import BACKGROUND, TileState, VideoTile
from app.viewmodels.meeting_viewmodel import MeetingViewModel

GAP = 8
MAX_GRID_TILES = 25
ASPECT = 16 / 9
STRIP_SHARE = 0.2
STRIP_MIN, STRIP_MAX = 90, 150


def grid_shape(count: int) -> tuple[int, int]:
    """(columns, rows) for n tiles: 1, 2, 3-4, 5-6, 7-9, 10-12, 13-16 … share a shape."""
    if count <= 0:
        return (0, 0)
    columns = math.ceil(math.sqrt(count))
    return columns, math.ceil(count / columns)


def grid_rects(area: QRect, count: int) -> list[QRect]:
    """16:9 tiles as large as fit, rows centred (a short last row too)."""
    columns, rows = grid_shape(count)
    if not count or area.width() <= 0 or area.height() <= 0:
        return []
    cell_w = (area.width() - GAP * (columns - 1)) / columns
    cell_h = (area.height() - GAP * (rows - 1)) / rows
    tile_w = min(cell_w, cell_h * ASPECT)
    tile_h = tile_w / ASPECT
    top = area.top() + (area.height() - rows * tile_h - (rows - 1) * GAP) / 2
    rects = []
    for row in range(rows):
        in_row = min(columns, count - row * columns)
        left = area.left() + (area.width() - in_row * tile_w - (in_row - 1) * GAP) / 2
        for column in range(in_row):
            x = left + column * (tile_w + GAP)
            y = top + row * (tile_h + GAP)
            rects.append(QRect(round(x), round(y), round(tile_w), round(tile_h)))
    return rects


class OverflowTile(QWidget):
    """ "+N": more people than the tiles can show (the participants panel lists everyone)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        """A plain tile with the count."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(BACKGROUND)
        painter.drawRoundedRect(self.rect(), 10, 10)
        painter.setPen(QColor("#e6eaf0"))
        painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, f"+{self.count} more")
        painter.end()


class VideoGrid(QWidget):
    """Keeps one VideoTile per participant's camera (and one for the stage's screen)."""

    def __init__(self, vm: MeetingViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("videoGrid")
        self.setMinimumSize(320, 200)
        self._vm = vm
        self._model: ParticipantsModel = vm.participants
        self.tiles: dict[tuple[str, str], VideoTile] = {}
        self.overflow = OverflowTile(self)
        self.overflow.hide()
        self._model.modelReset.connect(self._sync)
        self._model.rowsInserted.connect(self._sync)
        self._model.rowsRemoved.connect(self._sync)
        self._model.dataChanged.connect(self._on_data_changed)
        vm.stageChanged.connect(self._sync)
        # One connection for all tiles: only the tile whose frame changed hears of it.
        vm.frames.frameChanged.connect(self._on_frame)
        vm.frames.cleared.connect(self._on_frame)
        self._sync()

    def camera_tiles(self) -> list[VideoTile]:
        """Camera tiles in model order (for tests and screenshots)."""
        order = [p.id for p in self._model.participants()]
        return [self.tiles[(pid, "camera")] for pid in order if (pid, "camera") in self.tiles]

    def tile(self, participant: str, source: str = "camera") -> VideoTile | None:
        """One tile, or None."""
        return self.tiles.get((participant, source))

    @property
    def on_stage(self) -> VideoTile | None:
        """The shared screen's tile while a screen is on stage."""
        stage = self._vm.stage
        return self.tiles.get((stage, "screen")) if stage else None

    def _on_frame(self, participant: str, source: str) -> None:
        tile = self.tiles.get((participant, source))
        if tile is not None:
            tile.frame_changed()

    def _sync(self, *_args: object) -> None:
        wanted = [(p.id, "camera") for p in self._model.participants()]
        if self._vm.stage:
            wanted.append((self._vm.stage, "screen"))
        for key in [key for key in self.tiles if key not in wanted]:
            tile = self.tiles.pop(key)
            tile.hide()
            tile.deleteLater()
        for key in wanted:
            if key not in self.tiles:
                tile = VideoTile(self._vm.frames, key[0], key[1], self)
                self.tiles[key] = tile
                tile.show()
        for row in range(self._model.rowCount()):
            self._refresh(row)
        self._layout()

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, *_roles: object) -> None:
        for row in range(top.row(), bottom.row() + 1):
            self._refresh(row)
        if self.overflow.isVisible():
            self._layout()  # a hidden speaker takes the last visible place

    def _refresh(self, row: int) -> None:
        index = self._model.index(row)
        participant = str(index.data(ParticipantRole.ID))
        state = TileState(
            name=str(index.data(ParticipantRole.NAME)),
            initials=str(index.data(ParticipantRole.INITIALS)),
            mic=bool(index.data(ParticipantRole.MIC)),
            camera=bool(index.data(ParticipantRole.CAMERA)),
            hand=bool(index.data(ParticipantRole.HAND)),
            speaking=bool(index.data(ParticipantRole.SPEAKING)),
            you=bool(index.data(ParticipantRole.YOU)),
        )
        for source in ("camera", "screen"):
            tile = self.tiles.get((participant, source))
            if tile is not None:
                tile.set_state(state)

    def _visible_cameras(self, room: int) -> list[VideoTile]:
        """The camera tiles that fit; the active speaker is always among them."""
        cameras = self.camera_tiles()
        if len(cameras) <= room:
            return cameras
        shown = cameras[: room - 1]
        speaker = next((t for t in cameras[room - 1 :] if t.state.speaking), None)
        if speaker is not None and shown:  # room 1 (a narrow window) leaves no place to swap
            shown[-1] = speaker
        return shown

    def _layout(self) -> None:
        area = self.rect().adjusted(GAP, GAP, -GAP, -GAP)
        stage = self.on_stage
        cameras = self.camera_tiles()
        if stage is None:
            shown = self._visible_cameras(MAX_GRID_TILES)
            slots = len(shown) + (1 if len(shown) < len(cameras) else 0)
            rects = grid_rects(area, slots)
            compact = len(rects) > 9
        else:
            strip_h = int(min(STRIP_MAX, max(STRIP_MIN, area.height() * STRIP_SHARE)))
            tile_w = int(strip_h * ASPECT)
            room = max(1, (area.width() + GAP) // (tile_w + GAP))
            shown = self._visible_cameras(room)
            slots = len(shown) + (1 if len(shown) < len(cameras) else 0)
            strip_left = area.left() + (area.width() - slots * tile_w - (slots - 1) * GAP) // 2
            strip_top = area.bottom() - strip_h + 1
            rects = [
                QRect(strip_left + i * (tile_w + GAP), strip_top, tile_w, strip_h)
                for i in range(slots)
            ]
            stage.setGeometry(area.adjusted(0, 0, 0, -(strip_h + GAP)))
            stage.show()
            compact = True
        for tile in cameras:
            tile.setVisible(tile in shown)
        for tile, rect in zip(shown, rects, strict=False):
            tile.compact = compact
            tile.setGeometry(rect)
        hidden = len(cameras) - len(shown)
        self.overflow.count = hidden
        self.overflow.setVisible(hidden > 0)
        if hidden > 0 and len(rects) > len(shown):
            self.overflow.setGeometry(rects[len(shown)])
            self.overflow.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the tiles out again."""
        super().resizeEvent(event)
        self._layout()
