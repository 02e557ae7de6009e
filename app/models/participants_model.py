"""The people in a meeting as a Qt list model: you first, then in the order they joined."""

from __future__ import annotations

from collections.abc import Iterable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from protocol.meeting_types import Participant

ROLE_NAMES = {"host": "Host", "presenter": "Presenter", "attendee": "Attendee"}

Index = QModelIndex | QPersistentModelIndex


class ParticipantRole(IntEnum):
    """Item data roles, one per thing a tile or the participants panel shows."""

    ID = Qt.ItemDataRole.UserRole + 1
    NAME = Qt.ItemDataRole.UserRole + 2
    ROLE = Qt.ItemDataRole.UserRole + 3
    MIC = Qt.ItemDataRole.UserRole + 4
    CAMERA = Qt.ItemDataRole.UserRole + 5
    SCREEN = Qt.ItemDataRole.UserRole + 6
    HAND = Qt.ItemDataRole.UserRole + 7
    SPEAKING = Qt.ItemDataRole.UserRole + 8
    YOU = Qt.ItemDataRole.UserRole + 9
    INITIALS = Qt.ItemDataRole.UserRole + 10
    STATUS = Qt.ItemDataRole.UserRole + 11


def initials(name: str) -> str:
    """Up to two capital letters from a name: "Ada Lovelace" -> "AL"."""
    words = [word for word in name.split() if word[:1].isalnum()]
    letters = "".join(word[0] for word in words[:1] + words[1:][-1:])
    return letters.upper() or "?"


def status_text(participant: Participant, speaking: bool) -> str:
    """The participant's state in words, for the panel and for screen readers."""
    parts = [
        "microphone on" if participant.mic else "muted",
        "camera on" if participant.camera else "camera off",
    ]
    if participant.screen:
        parts.append("sharing the screen")
    if participant.hand:
        parts.append("hand raised")
    if speaking:
        parts.append("speaking")
    return ", ".join(parts)


class ParticipantsModel(QAbstractListModel):
    """Rows of protocol Participants; the active speaker counts as speaking."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Participant] = []
        self._you = ""
        self._active: str | None = None

    # Reading

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """One row per participant."""
        return 0 if parent.isValid() else len(self._rows)

    def roleNames(self) -> dict[int, bytes]:
        """Role names (for QML and debugging)."""
        return {role.value: role.name.lower().encode() for role in ParticipantRole}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The participant's field for a role."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        participant = self._rows[index.row()]
        you = participant.id == self._you
        speaking = participant.speaking or participant.id == self._active
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{participant.name} (you)" if you else participant.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{participant.name}: {status_text(participant, speaking)}"
        values: dict[int, Any] = {
            ParticipantRole.ID: participant.id,
            ParticipantRole.NAME: participant.name,
            ParticipantRole.ROLE: participant.role,
            ParticipantRole.MIC: participant.mic,
            ParticipantRole.CAMERA: participant.camera,
            ParticipantRole.SCREEN: participant.screen,
            ParticipantRole.HAND: participant.hand,
            ParticipantRole.SPEAKING: speaking,
            ParticipantRole.YOU: you,
            ParticipantRole.INITIALS: initials(participant.name),
            ParticipantRole.STATUS: status_text(participant, speaking),
        }
        return values.get(role)

    @property
    def you(self) -> str:
        """Your own participant id."""
        return self._you

    @property
    def active_speaker(self) -> str | None:
        """Who the server last named as the loudest."""
        return self._active

    def participants(self) -> list[Participant]:
        """Everyone, in row order."""
        return list(self._rows)

    def participant(self, participant_id: str) -> Participant | None:
        """One participant by id."""
        row = self.row_of(participant_id)
        return None if row < 0 else self._rows[row]

    def row_of(self, participant_id: str) -> int:
        """The row of a participant, or -1."""
        for row, participant in enumerate(self._rows):
            if participant.id == participant_id:
                return row
        return -1

    # Changing

    def reset(self, participants: Iterable[Participant], you: str) -> None:
        """Replace everyone (on joining)."""
        self.beginResetModel()
        everyone = list(participants)
        self._you = you
        self._active = None
        self._rows = [p for p in everyone if p.id == you] + [p for p in everyone if p.id != you]
        self.endResetModel()

    def clear(self) -> None:
        """Empty the model (on leaving)."""
        self.reset([], "")

    def upsert(self, participant: Participant) -> None:
        """Add a newcomer at the end, or update someone in place."""
        row = self.row_of(participant.id)
        if row < 0:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows))
            self._rows.append(participant)
            self.endInsertRows()
            return
        self._rows[row] = participant
        self._changed(row)

    def remove(self, participant_id: str) -> None:
        """Drop someone who left."""
        row = self.row_of(participant_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        if self._active == participant_id:
            self._active = None

    def set_active_speaker(self, participant_id: str | None) -> None:
        """Move the speaking mark to another participant (or nobody)."""
        old, self._active = self._active, participant_id
        for changed in {old, participant_id} - {None}:
            row = self.row_of(str(changed))
            if row >= 0:
                self._changed(row)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)
