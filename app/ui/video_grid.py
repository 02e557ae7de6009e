"""The video area: a grid that adapts to the number of people, or one person or a screen large."""

from __future__ import annotations

from functools import partial

from PySide6.QtCore import QModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QAction, QColor, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QMenu, QWidget

from app.models.participants_model import ParticipantRole, ParticipantsModel
from app.ui.video_tile import BACKGROUND, TileState, VideoTile
from app.viewmodels import layout
from app.viewmodels.layout import GAP, grid_shape
from app.viewmodels.meeting_viewmodel import MeetingViewModel

__all__ = ["GAP", "OverflowTile", "VideoGrid", "grid_rects", "grid_shape"]


def grid_rects(area: QRect, count: int) -> list[QRect]:
    """16:9 tiles as large as fit, rows centred (a short last row too)."""
    box = (area.x(), area.y(), area.width(), area.height())
    return [QRect(*rect) for rect in layout.grid_rects(box, count)]


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
        vm.layout.changed.connect(self._sync)
        self.menu: QMenu | None = None  # a tile's context menu, while open
        self._stage_key: tuple[str, str] | None = None
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
    def stage_tile(self) -> VideoTile | None:
        """The tile shown large: a shared screen, or in speaker view a camera; else None."""
        return self.tiles.get(self._stage_key) if self._stage_key else None

    def strip_tiles(self) -> list[VideoTile]:
        """The shown camera tiles that are not on stage, left to right."""
        stage = self.stage_tile
        shown = [t for t in self.camera_tiles() if t.isVisible() and t is not stage]
        return sorted(shown, key=lambda t: (t.y(), t.x()))

    def tile_menu(self, tile: VideoTile) -> QMenu:
        """A camera tile's context menu: pin or unpin its participant, switch the view."""
        menu = QMenu(self)
        menu.setObjectName("tileMenu")
        menu.setAccessibleName(f"{tile.name} menu")
        choices = self._vm.layout
        pin = QAction(choices.pin_text(tile.participant), menu)
        pin.setObjectName("pinAction")
        pin.triggered.connect(lambda: choices.toggle_pin(tile.participant))
        view = QAction("Grid view" if choices.speaker_view else "Speaker view", menu)
        view.setObjectName("viewAction")
        view.triggered.connect(choices.toggle_view)
        if tile.source == "camera":
            menu.addAction(pin)
        menu.addAction(view)
        return menu

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
                tile.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
                tile.customContextMenuRequested.connect(partial(self._open_menu, tile))
                self.tiles[key] = tile
                tile.show()
        for row in range(self._model.rowCount()):
            self._refresh(row)
        self._layout()

    def _on_data_changed(self, top: QModelIndex, bottom: QModelIndex, *_roles: object) -> None:
        for row in range(top.row(), bottom.row() + 1):
            self._refresh(row)
        # A hidden speaker takes the last visible place; in speaker view the stage follows them.
        if self.overflow.isVisible() or self._vm.layout.speaker_view:
            self._layout()

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
            pinned=participant == self._vm.layout.pinned,
        )
        for source in ("camera", "screen"):
            tile = self.tiles.get((participant, source))
            if tile is not None:
                tile.set_state(state)

    def _open_menu(self, tile: VideoTile, point: QPoint) -> None:
        self.menu = self.tile_menu(tile)
        self.menu.aboutToHide.connect(self.menu.deleteLater)
        self.menu.popup(tile.mapToGlobal(point))

    def _layout(self) -> None:
        area = self.rect().adjusted(GAP, GAP, -GAP, -GAP)
        cameras = self.camera_tiles()
        stage = self.on_stage
        scene = self._vm.layout.scene(
            [tile.participant for tile in cameras], stage.participant if stage else ""
        )
        placed = layout.place(scene, (area.x(), area.y(), area.width(), area.height()))
        self._stage_key = placed.stage
        for key, tile in self.tiles.items():
            if key == placed.stage and placed.stage_rect is not None:
                tile.compact = False
                tile.setGeometry(QRect(*placed.stage_rect))
                tile.show()
                continue
            rect = placed.rect_of(key[0]) if key[1] == "camera" else None
            tile.setVisible(rect is not None)
            if rect is not None:
                tile.compact = placed.compact
                tile.setGeometry(QRect(*rect))
        self.overflow.count = placed.hidden
        self.overflow.setVisible(placed.hidden > 0)
        if placed.overflow is not None:
            self.overflow.setGeometry(QRect(*placed.overflow))
            self.overflow.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Lay the tiles out again."""
        super().resizeEvent(event)
        self._layout()
