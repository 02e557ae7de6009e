"""ChatModel: messages in order, once each, bodies untouched."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QAbstractItemModelTester
from PySide6.QtWidgets import QApplication

from app.models.chat_model import ChatLine, ChatModel, ChatRole


def test_lines_are_kept_once_and_verbatim(qapp: QApplication) -> None:
    model = ChatModel()
    tester = QAbstractItemModelTester(model, QAbstractItemModelTester.FailureReportingMode.Warning)
    body = "<b>not bold</b> https://example.org\nsecond line"
    assert model.append(ChatLine(1, "Grace Hopper", body, 1_700_000_000.0))
    assert model.append(
        ChatLine(2, "Ada Lovelace", "hi", 1_700_000_060.0, "Privately to Alan", True)
    )
    assert not model.append(ChatLine(1, "Grace Hopper", body, 1_700_000_000.0))
    assert model.rowCount() == 2
    first, second = model.index(0), model.index(1)
    assert first.data() == body and first.data(ChatRole.BODY) == body
    assert first.data(ChatRole.SENDER) == "Grace Hopper"
    assert len(first.data(ChatRole.TIME)) == 5  # HH:MM
    assert first.data(Qt.ItemDataRole.ToolTipRole)
    assert second.data(ChatRole.PRIVATE) == "Privately to Alan" and second.data(ChatRole.MINE)
    model.clear()
    assert model.rowCount() == 0
    assert model.append(ChatLine(1, "Grace Hopper", body, 1_700_000_000.0))
    del tester
