"""Brief notices over the video ("Bob joined"): they stack, newest last, and hide by themselves."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from app.ui.widgets import plain_label

SHOWN_MS = 4000
MAX_SHOWN = 3
WIDTH = 280
MARGIN = 12


class PresenceToasts(QWidget):
    """Up to MAX_SHOWN notices in the top-right corner of `anchor`; the oldest goes first."""

    def __init__(self, anchor: QWidget, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("presenceToasts")
        # Notices never take clicks or focus from the video under them.
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents, True)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._anchor = anchor
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(6)
        self._toasts: list[QLabel] = []
        anchor.installEventFilter(self)
        self.hide()

    def texts(self) -> list[str]:
        """The notices shown now, oldest first."""
        return [toast.text() for toast in self._toasts]

    def add(self, kind: str, text: str) -> QLabel:
        """Show a notice for a few seconds; beyond MAX_SHOWN the oldest is replaced."""
        while len(self._toasts) >= MAX_SHOWN:
            self._drop(self._toasts[0])
        toast = plain_label(text, role="toast")
        toast.setProperty("kind", kind)
        toast.setObjectName("presenceToast")
        toast.setAccessibleName(text)
        self._toasts.append(toast)
        self._column.addWidget(toast)
        QTimer.singleShot(SHOWN_MS, toast, lambda: self._drop(toast))
        self._place()
        self.show()
        self.raise_()
        return toast

    def clear(self) -> None:
        """Hide every notice (leaving the meeting)."""
        for toast in list(self._toasts):
            self._drop(toast)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the anchor as it moves or changes size."""
        if watched is self._anchor and event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self._place()
        return False

    def _drop(self, toast: QLabel) -> None:
        if toast not in self._toasts:
            return
        self._toasts.remove(toast)
        self._column.removeWidget(toast)
        toast.hide()
        toast.deleteLater()
        if self._toasts:
            self._place()
        else:
            self.hide()

    def _place(self) -> None:
        area = self._anchor.geometry()
        width = max(80, min(WIDTH, area.width() - 2 * MARGIN))
        for toast in self._toasts:
            toast.setFixedWidth(width)
        self._column.activate()
        height = self._column.totalHeightForWidth(width) if self._toasts else 0
        self.setGeometry(area.right() - width - MARGIN + 1, area.top() + MARGIN, width, height)
