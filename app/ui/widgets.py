"""Small building blocks shared by the pages: plain-text labels, banners, cards, buttons."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)


def plain_label(text: str = "", *, role: str = "", wrap: bool = True) -> QLabel:
    """A QLabel that never interprets markup, since its text may come from users or servers."""
    label = QLabel()
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setText(text)
    if role:
        label.setProperty("role", role)
    return label


def button(text: str, *, role: str = "primary") -> QPushButton:
    """A push button styled by role: primary, secondary or link."""
    widget = QPushButton(text)
    widget.setProperty("role", role)
    widget.setCursor(Qt.CursorShape.PointingHandCursor)
    widget.setAutoDefault(role == "primary")
    return widget


class Banner(QLabel):
    """A message strip (error, success, info or warning) that hides itself when empty."""

    def __init__(self, kind: str = "error", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setProperty("role", "banner")
        self.set_kind(kind)
        self.setVisible(False)

    def set_kind(self, kind: str) -> None:
        """Switch colours; the style sheet keys on the `kind` property."""
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)

    def show_message(self, text: str) -> None:
        """Show the text, or hide the banner when it is empty."""
        self.setText(text)
        self.setVisible(bool(text))


class Card(QFrame):
    """A white rounded panel that holds a form."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.body = QVBoxLayout(self)
        self.body.setContentsMargins(36, 32, 36, 32)
        self.body.setSpacing(14)


def centered(card: QWidget, *, max_width: int) -> QWidget:
    """A page that keeps the card in the middle at a readable width."""
    page = QWidget()
    card.setMaximumWidth(max_width)
    card.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
    row = QHBoxLayout()
    row.addStretch(1)
    row.addWidget(card, 100)
    row.addStretch(1)
    column = QVBoxLayout(page)
    column.setContentsMargins(24, 24, 24, 24)
    column.addStretch(1)
    column.addLayout(row)
    column.addStretch(2)
    return page


def scrolling(card: QWidget, *, max_width: int) -> QScrollArea:
    """Like centered() but for forms taller than the window."""
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    inner = centered(card, max_width=max_width)
    inner.setObjectName("scrollBody")
    area.setWidget(inner)
    return area


class Footer(QFrame):
    """A bar pinned under a scrolling form, so its buttons and messages never scroll away."""

    def __init__(self, *, max_width: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("footer")
        inner = QWidget()
        inner.setMaximumWidth(max_width)
        self.row = QHBoxLayout(inner)
        self.row.setContentsMargins(0, 0, 0, 0)
        self.row.setSpacing(10)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(24, 12, 24, 12)
        outer.addStretch(1)
        outer.addWidget(inner, 100)
        outer.addStretch(1)


def title(text: str) -> QLabel:
    """A page heading."""
    return plain_label(text, role="title")


def subtitle(text: str) -> QLabel:
    """Grey explanatory text under a heading."""
    return plain_label(text, role="subtitle")
