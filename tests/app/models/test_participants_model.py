"""ParticipantsModel: order, roles, updates and the active speaker, checked by Qt's model tester."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from app.models.participants_model import ParticipantRole, ParticipantsModel, initials
from protocol.meeting_types import Participant

ADA = Participant(id="a", user_id=1, name="Ada Lovelace", role="host", mic=True, camera=True)
GRACE = Participant(id="g", user_id=2, name="Grace Hopper", role="attendee")
ALAN = Participant(id="t", user_id=3, name="Alan Turing", role="presenter", hand=True)


def checked_model(qapp: QApplication) -> ParticipantsModel:
    model = ParticipantsModel()
    model.tester = QAbstractItemModelTester(  # type: ignore[attr-defined]
        model, QAbstractItemModelTester.FailureReportingMode.Warning
    )
    return model


def test_you_come_first_then_join_order(qapp: QApplication) -> None:
    model = checked_model(qapp)
    model.reset([GRACE, ADA, ALAN], you="a")
    assert [p.id for p in model.participants()] == ["a", "g", "t"]
    first = model.index(0)
    assert first.data() == "Ada Lovelace (you)"
    assert first.data(ParticipantRole.YOU) is True
    assert first.data(ParticipantRole.ROLE) == "host"
    assert first.data(ParticipantRole.INITIALS) == "AL"
    assert model.index(1).data(ParticipantRole.MIC) is False
    assert model.index(2).data(ParticipantRole.HAND) is True
    assert "hand raised" in model.index(2).data(ParticipantRole.STATUS)
    assert "muted" in model.index(1).data(Qt.ItemDataRole.ToolTipRole)


def test_updates_joins_leaves_and_the_speaker(qapp: QApplication) -> None:
    model = checked_model(qapp)
    model.reset([ADA, GRACE], you="a")
    changed: list[int] = []
    model.dataChanged.connect(lambda top, _bottom, _roles: changed.append(top.row()))
    model.upsert(replace(GRACE, mic=True, camera=True))
    assert changed == [1]
    assert model.index(1).data(ParticipantRole.CAMERA) is True
    model.upsert(ALAN)
    assert model.rowCount() == 3
    model.set_active_speaker("t")
    assert model.index(2).data(ParticipantRole.SPEAKING) is True
    model.set_active_speaker("g")
    assert model.index(2).data(ParticipantRole.SPEAKING) is False
    assert model.index(1).data(ParticipantRole.SPEAKING) is True
    model.remove("g")
    assert model.active_speaker is None
    assert [p.id for p in model.participants()] == ["a", "t"]
    model.remove("nobody")
    model.clear()
    assert model.rowCount() == 0


def test_initials() -> None:
    assert initials("Ada Lovelace") == "AL"
    assert initials("Ada Augusta King Lovelace") == "AL"
    assert initials("grace") == "G"
    assert initials("  ") == "?"
    assert initials("(bot) Alan") == "A"
