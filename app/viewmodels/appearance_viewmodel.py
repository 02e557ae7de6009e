"""The app's look: the normal stylesheet, or it with the high-contrast one laid over it."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal

from app.core.appearance_prefs import AppearancePrefsFile
from app.core.resources import read_resource

STYLESHEET = "style.qss"
HIGH_CONTRAST = "high-contrast.qss"

_log = logging.getLogger(__name__)


class AppearanceViewModel(QObject):
    """Holds the high-contrast choice; `stylesheetChanged` carries the text to apply at once."""

    highContrastChanged = Signal(bool)
    stylesheetChanged = Signal(str)

    def __init__(self, prefs: AppearancePrefsFile | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._prefs = prefs
        self._high_contrast = prefs.load_high_contrast() if prefs is not None else False

    @property
    def high_contrast(self) -> bool:
        """Whether the high-contrast theme is on."""
        return self._high_contrast

    @property
    def stylesheet(self) -> str:
        """The whole stylesheet for the current choice."""
        text = read_resource(STYLESHEET)
        if self._high_contrast:
            # Laid over the normal one: same selectors later in the text win.
            text += "\n" + read_resource(HIGH_CONTRAST)
        return text

    def set_high_contrast(self, on: bool) -> None:
        """Switch the theme now and remember it (a failed save is logged; the switch stands)."""
        if on == self._high_contrast:
            return
        self._high_contrast = on
        if self._prefs is not None:
            try:
                self._prefs.save_high_contrast(on)
            except OSError as exc:
                _log.warning("could not remember the high-contrast choice: %s", exc)
        self.highContrastChanged.emit(on)
        self.stylesheetChanged.emit(self.stylesheet)
