"""Line icons from resources/icons ("icons:" search path), drawn in any colour."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QFile, QIODevice, QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

RENDER_SIZE = 48


def _svg(name: str, color: str) -> QByteArray | None:
    """The icon's SVG with currentColor replaced, or None when it is missing."""
    file = QFile(f"icons:{name}.svg")
    if not file.open(QIODevice.OpenModeFlag.ReadOnly):
        return None
    text = bytes(file.readAll().data()).decode("utf-8")
    file.close()
    return QByteArray(text.replace("currentColor", color).encode("utf-8"))


def pixmap(name: str, color: str = "#ffffff", size: int = RENDER_SIZE) -> QPixmap:
    """The icon as a transparent square pixmap (empty when the file is missing)."""
    image = QPixmap(size, size)
    image.fill(Qt.GlobalColor.transparent)
    data = _svg(name, color)
    if data is None:
        return image
    renderer = QSvgRenderer(data)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, size, size))
    painter.end()
    return image


def icon(name: str, color: str = "#ffffff") -> QIcon:
    """The icon in one colour, for buttons."""
    return QIcon(pixmap(name, color))


def toggle_icon(on_name: str, off_name: str, on_color: str, off_color: str) -> QIcon:
    """A checkable button's icon: on_name when checked, off_name when not."""
    result = QIcon()
    result.addPixmap(pixmap(on_name, on_color), QIcon.Mode.Normal, QIcon.State.On)
    result.addPixmap(pixmap(off_name, off_color), QIcon.Mode.Normal, QIcon.State.Off)
    return result
