"""Who comes and goes: a brief notice, a system line in the chat and, when wanted, a chime."""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from app.core.media.chime import chime_frame
from app.core.notice_prefs import NoticePrefsFile
from app.models.chat_model import ChatModel
from app.viewmodels.media_controls import MediaControls
from app.viewmodels.meeting_text import presence_text
from protocol.meeting_types import Participant

# The chime is mixed into the speakers as if it were one more participant.
CHIME_VOICE = "podium-notice-chime"


class PresenceNotices(QObject):
    """Turns joins, leaves and raised hands into notices (announced) and chat lines."""

    announced = Signal(str, str)  # kind ("joined", "left", "hand"), text
    soundChanged = Signal(bool)

    def __init__(
        self,
        chat: ChatModel,
        controls: MediaControls,
        parent: QObject | None = None,
        *,
        clock: Callable[[], float] = time.time,
    ) -> None:
        super().__init__(parent)
        self._chat = chat
        self._controls = controls
        self._clock = clock
        self._prefs: NoticePrefsFile | None = None
        self._sound = False

    @property
    def sound(self) -> bool:
        """True when notices play a chime (off by default)."""
        return self._sound

    def use_prefs(self, prefs: NoticePrefsFile) -> None:
        """Remember the sound choice in this file (and take the one it holds)."""
        self._prefs = prefs
        self._set(prefs.load_sound())

    def set_sound(self, on: bool) -> None:
        """Turn the chime on or off; the choice is kept for the next meetings."""
        self._set(on)
        if self._prefs is not None:
            self._prefs.save_sound(on)

    def changed(self, before: Participant | None, now: Participant, you: str) -> None:
        """A participant joined or was updated: announce an arrival or a newly raised hand."""
        if now.id == you:
            return
        if before is None:
            self.announce("joined", now.name)
        elif now.hand and not before.hand:
            self.announce("hand", now.name)

    def announce(self, kind: str, name: str) -> None:
        """Show `name`'s coming, going or hand as a notice and a chat line."""
        text = presence_text(kind, name)
        self._chat.add_system(text, self._clock())
        self.announced.emit(kind, text)
        if self._sound:
            self._controls.feed_audio(CHIME_VOICE, chime_frame())

    def _set(self, on: bool) -> None:
        if on != self._sound:
            self._sound = on
            self.soundChanged.emit(on)
