"""MeetingsModel: the table of one's meetings."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from app.models.meetings_model import ENDED_ROLE, JOIN_CODE_ROLE, MeetingRow, MeetingsModel


def test_rows_and_columns(qapp: QApplication) -> None:
    model = MeetingsModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    model.set_rows(
        [
            MeetingRow("Standup", "abcd-efgh-jkmn", "2026-05-04 09:30 UTC", False),
            MeetingRow("Retro", "wxyz-wxyz-wxyz", "2026-05-01 15:00 UTC", True),
            MeetingRow(
                "Review", "abab-cdcd-efef", "2026-04-01 10:00 UTC", True, "", "1 April 2026, 12:05"
            ),
        ]
    )
    assert model.rowCount() == 3 and model.columnCount() == 4
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)]
    assert header == ["Subject", "Join code", "Created", "Status"]
    assert [model.index(0, c).data() for c in range(4)] == [
        "Standup",
        "abcd-efgh-jkmn",
        "2026-05-04 09:30 UTC",
        "Open",
    ]
    assert model.index(1, 3).data() == "Ended" and model.index(1, 0).data(ENDED_ROLE)
    assert model.index(1, 2).data(JOIN_CODE_ROLE) == "wxyz-wxyz-wxyz"
    # An ended meeting says when (the view-model gives the viewer's local time).
    assert model.index(2, 3).data() == "Ended 1 April 2026, 12:05"
    assert model.index(2, 0).data(ENDED_ROLE) and not model.index(0, 0).data(ENDED_ROLE)
    del tester
