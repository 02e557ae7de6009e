"""The meeting's layout choices for the UI: grid or speaker view, who is pinned, who spoke last."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QObject, Signal

from app.models.participants_model import ParticipantsModel
from app.viewmodels.layout import Scene, ViewMode


class MeetingLayout(QObject):
    """View mode (kept for the app's session), the pinned participant and the last speaker."""

    changed = Signal()

    def __init__(self, participants: ParticipantsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = participants
        self._mode = ViewMode.GRID
        self._pinned = ""
        self._last = ""
        participants.modelReset.connect(self._on_reset)
        participants.rowsRemoved.connect(self._on_removed)
        participants.dataChanged.connect(self._on_speaker)

    @property
    def mode(self) -> ViewMode:
        """Grid or speaker view."""
        return self._mode

    @property
    def speaker_view(self) -> bool:
        """True in speaker view."""
        return self._mode == ViewMode.SPEAKER

    @property
    def pinned(self) -> str:
        """The pinned participant's id, or ""."""
        return self._pinned

    @property
    def last_speaker(self) -> str:
        """The last participant other than you whom the server named active speaker, or ""."""
        return self._last

    def set_speaker_view(self, on: bool) -> None:
        """Switch to speaker view (True) or grid view (False)."""
        self._set_mode(ViewMode.SPEAKER if on else ViewMode.GRID)

    def toggle_view(self) -> None:
        """Grid view ↔ speaker view."""
        self.set_speaker_view(not self.speaker_view)

    def pin(self, participant: str) -> None:
        """Keep this participant on stage (speaker view) and first (grid view)."""
        if participant != self._pinned and self._model.participant(participant) is not None:
            self._pinned = participant
            self.changed.emit()

    def unpin(self) -> None:
        """Nobody pinned any more."""
        if self._pinned:
            self._pinned = ""
            self.changed.emit()

    def toggle_pin(self, participant: str) -> None:
        """Pin this participant, or unpin them if they are the pinned one."""
        if participant and participant == self._pinned:
            self.unpin()
        else:
            self.pin(participant)

    def pin_text(self, participant: str) -> str:
        """The menu text for pinning or unpinning this participant."""
        verb = "Unpin" if participant and participant == self._pinned else "Pin"
        name = self._model.participant(participant)
        return f"{verb} {name.name}" if name is not None else verb

    def scene(self, people: Sequence[str], screen: str = "") -> Scene:
        """What the video area lays out, with these camera tiles and this screen on stage."""
        return Scene(
            people=tuple(people),
            you=self._model.you,
            mode=self._mode,
            pinned=self._pinned,
            active=self._model.active_speaker or "",
            last=self._last,
            screen=screen,
        )

    def _set_mode(self, mode: ViewMode) -> None:
        if mode != self._mode:
            self._mode = mode
            self.changed.emit()

    def _on_reset(self) -> None:
        # A new meeting (or none): nobody pinned, nobody has spoken; the view mode stays.
        if self._pinned or self._last:
            self._pinned = self._last = ""
            self.changed.emit()

    def _on_removed(self, *_args: object) -> None:
        gone = [p for p in (self._pinned, self._last) if p and self._model.participant(p) is None]
        if self._pinned in gone:
            self._pinned = ""
        if self._last in gone:
            self._last = ""
        if gone:
            self.changed.emit()

    def _on_speaker(self, *_args: object) -> None:
        active = self._model.active_speaker
        if active and active != self._model.you and active != self._last:
            self._last = active
            self.changed.emit()
