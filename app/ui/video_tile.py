"""One person's (or one shared screen's) tile: video or initials, name, muted and hand marks."""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetrics,
    QImage,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.ui.icons import pixmap
from app.viewmodels.video_frames import VideoFrames

BACKGROUND = QColor("#2b3038")
SPEAKER = QColor("#4ade80")
MUTED = "#ff6b6b"
HAND = QColor("#f6c343")
PILL = QColor(0, 0, 0, 150)
AVATAR_COLOURS = ("#5b7fde", "#2e9e8f", "#c2607a", "#8c6bd1", "#d08a2f", "#4b9bd1", "#7a9e3b")
RADIUS = 10


@dataclass(frozen=True)
class TileState:
    """What a tile shows besides the picture."""

    name: str = ""
    initials: str = "?"
    mic: bool = False
    camera: bool = False
    hand: bool = False
    speaking: bool = False
    you: bool = False
    pinned: bool = False


def avatar_colour(name: str) -> QColor:
    """A stable colour per name."""
    return QColor(AVATAR_COLOURS[zlib.crc32(name.encode()) % len(AVATAR_COLOURS)])


class VideoTile(QWidget):
    """Paints the newest frame of (participant, source) at its own size, or the initials."""

    def __init__(
        self, frames: VideoFrames, participant: str, source: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("videoTile")
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.frames = frames
        self.participant = participant
        self.source = source
        self.state = TileState()
        self.compact = False
        self._muted_icon = pixmap("mic-off", MUTED)
        self._hand_icon = pixmap("hand", "#3a2a00")
        self._pin_icon = pixmap("pin", "#ffffff")
        self._marks_cache: tuple[object, QPixmap] | None = None

    @property
    def name(self) -> str:
        """The name on the tile."""
        return self.state.name

    def image(self) -> QImage | None:
        """The picture the tile paints now (converted to its shown size), or None (initials)."""
        if not self.has_image():
            return None
        ratio = self.devicePixelRatioF()
        box = (round(self.width() * ratio), round(self.height() * ratio))
        image = self.frames.image(self.participant, self.source, box, cover=self.source != "screen")
        if image is not None:
            image.setDevicePixelRatio(ratio)
        return image

    def has_image(self) -> bool:
        """True while the tile paints video rather than initials (converts nothing)."""
        if self.source == "camera" and not self.state.camera:
            return False
        return self.frames.has_image(self.participant, self.source)

    def set_state(self, state: TileState) -> None:
        """New name or marks."""
        if state != self.state:
            self.state = state
            label = f"{state.name} (you)" if state.you else state.name
            what = "screen" if self.source == "screen" else "video"
            pinned = ", pinned" if state.pinned and self.source == "camera" else ""
            self.setAccessibleName(f"{label}'s {what}{pinned}")
            self.update()

    def sizeHint(self) -> QSize:
        """16:9 by default."""
        return QSize(320, 180)

    def frame_changed(self) -> None:
        """A newer frame waits: repaint if shown (a hidden tile paints, so converts, nothing)."""
        if self.isVisible() and not self.size().isEmpty():
            self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Picture, then the marks on top."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        image = self.image()
        if image is not None and self.source == "camera":
            self._paint_cover(painter, image)
        else:
            painter.setClipPath(self._rounded())
            painter.fillRect(self.rect(), BACKGROUND)
            if image is not None:
                self._paint_fit(painter, image)
            else:
                self._paint_initials(painter)
        painter.setClipping(False)
        painter.drawPixmap(0, 0, self._marks())
        painter.end()

    def _rounded(self) -> QPainterPath:
        clip = QPainterPath()
        clip.addRoundedRect(QRectF(self.rect()), RADIUS, RADIUS)
        return clip

    def _marks(self) -> QPixmap:
        """Name, muted, hand and speaker marks, laid out once per change, not once per frame."""
        ratio = self.devicePixelRatioF()
        key = (self.state, self.compact, self.width(), self.height(), ratio, self.font().key())
        if self._marks_cache is None or self._marks_cache[0] != key:
            marks = QPixmap(
                max(1, round(self.width() * ratio)), max(1, round(self.height() * ratio))
            )
            marks.setDevicePixelRatio(ratio)
            marks.fill(Qt.GlobalColor.transparent)
            painter = QPainter(marks)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_marks(painter)
            painter.end()
            self._marks_cache = (key, marks)
        return self._marks_cache[1]

    def _paint_cover(self, painter: QPainter, image: QImage) -> None:
        # A camera covers the tile, like other meeting apps do: the picture (made at the tile's
        # size, taller or wider) is drawn 1:1, centred, its overhang cut off. Only the bands
        # with the rounded corners go through the (antialiased, so costly) clip path.
        area = self.rect()
        size = image.deviceIndependentSize()
        left = (area.width() - round(size.width())) // 2
        top = (area.height() - round(size.height())) // 2
        ratio = image.devicePixelRatio()

        def band(y: int, height: int) -> None:
            target = QRectF(0, y, area.width(), height)
            source = QRectF(-left * ratio, (y - top) * ratio, area.width() * ratio, height * ratio)
            painter.drawImage(target, image, source)

        middle = area.height() - 2 * RADIUS
        if middle > 0:
            band(RADIUS, middle)
        painter.setClipPath(self._rounded())
        if middle > 0:
            band(0, RADIUS)
            band(area.height() - RADIUS, RADIUS)
        else:
            band(0, area.height())

    def _paint_fit(self, painter: QPainter, image: QImage) -> None:
        # A shared screen must be seen whole: the picture fits the tile, bars around it.
        area = self.rect()
        size = image.deviceIndependentSize()
        painter.fillRect(area, QColor("#111418"))
        corner = QPointF(
            (area.width() - round(size.width())) // 2, (area.height() - round(size.height())) // 2
        )
        painter.drawImage(corner, image)

    def _paint_initials(self, painter: QPainter) -> None:
        area = self.rect()
        if self.source == "screen":
            painter.setPen(QColor("#aab4c0"))
            painter.drawText(
                area, Qt.AlignmentFlag.AlignCenter, f"Waiting for {self.state.name}'s screen…"
            )
            return
        diameter = int(min(area.width() * 0.4, area.height() * 0.5, 120))
        circle = QRect(0, 0, diameter, diameter)
        circle.moveCenter(area.center())
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(avatar_colour(self.state.name))
        painter.drawEllipse(circle)
        font = QFont(self.font())
        font.setPixelSize(max(10, diameter * 2 // 5))
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#ffffff"))
        painter.drawText(circle, Qt.AlignmentFlag.AlignCenter, self.state.initials)

    def _paint_marks(self, painter: QPainter) -> None:
        area = self.rect()
        font = QFont(self.font())
        font.setPixelSize(11 if self.compact else 13)
        font.setBold(False)
        painter.setFont(font)
        metrics = QFontMetrics(font)
        icon_size = metrics.height()
        pad = 6
        label = f"{self.state.name} (you)" if self.state.you else self.state.name
        if self.source == "screen":
            label = f"{self.state.name}'s screen"
        muted = self.source == "camera" and not self.state.mic
        room = area.width() - 4 * pad - (icon_size + pad if muted else 0)
        text = metrics.elidedText(label, Qt.TextElideMode.ElideRight, max(10, room))
        width = metrics.horizontalAdvance(text) + 2 * pad + (icon_size + 4 if muted else 0)
        pill = QRect(pad, area.height() - icon_size - 3 * pad, width, icon_size + pad)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PILL)
        painter.drawRoundedRect(pill, 6, 6)
        x = pill.left() + pad
        if muted:
            painter.drawPixmap(
                QRect(x, pill.top() + pad // 2, icon_size, icon_size), self._muted_icon
            )
            x += icon_size + 4
        painter.setPen(QColor("#ffffff"))
        painter.drawText(
            QRect(x, pill.top(), pill.right() - x, pill.height()),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            text,
        )
        if self.state.hand and self.source == "camera":
            size = icon_size + pad
            badge = QRect(pad, pad, size + pad, size + pad)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(HAND)
            painter.drawRoundedRect(badge, 6, 6)
            inner = badge.adjusted(pad // 2 + 1, pad // 2 + 1, -pad // 2, -pad // 2)
            painter.drawPixmap(inner, self._hand_icon)
        if self.state.pinned and self.source == "camera":
            size = icon_size + pad
            badge = QRect(area.width() - 2 * pad - size, pad, size + pad, size + pad)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(PILL)
            painter.drawRoundedRect(badge, 6, 6)
            inner = badge.adjusted(pad // 2 + 1, pad // 2 + 1, -pad // 2, -pad // 2)
            painter.drawPixmap(inner, self._pin_icon)
        if self.state.speaking and self.source == "camera":
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.setPen(QPen(SPEAKER, 3))
            painter.drawRoundedRect(QRectF(area).adjusted(1.5, 1.5, -1.5, -1.5), RADIUS, RADIUS)
