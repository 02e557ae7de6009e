"""Read-only list tables: audit, testimonials, contacts, the import preview and its errors."""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
)

from app.models.text_table_model import PROBLEM_ROLE

# Rows with a problem get this tint (the style sheet cannot reach single rows).
PROBLEM_TINT = "#fdecea"


def list_table(model: QAbstractItemModel, name: str, *, stretch: int = 0) -> QTableView:
    """A table that selects whole rows, never edits, and stretches one column (-1: the last)."""
    view = QTableView()
    view.setObjectName(name)
    view.setProperty("role", "list")
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    view.setShowGrid(False)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    header = view.horizontalHeader()
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setHighlightSections(False)
    header.setStretchLastSection(stretch < 0)
    if 0 <= stretch < model.columnCount():
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def fit_rows(view: QTableView, max_rows: int, *, wrap: bool = False) -> None:
    """Keep the table as tall as its rows (at least one, at most max_rows, then it scrolls)."""
    model = view.model()
    if wrap:
        view.setWordWrap(True)

    def fit(*_args: object) -> None:
        if wrap:
            view.resizeRowsToContents()
        shown = min(max(model.rowCount(), 1), max_rows)
        rows = sum(
            view.rowHeight(row)
            if row < model.rowCount()
            else view.verticalHeader().defaultSectionSize()
            for row in range(shown)
        )
        frame = 2 * view.frameWidth()
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + rows + frame)

    for signal in (model.modelReset, model.rowsInserted, model.rowsRemoved, model.layoutChanged):
        signal.connect(fit)
    if wrap:
        view.horizontalHeader().sectionResized.connect(fit)
    fit()


class ProblemRowDelegate(QStyledItemDelegate):
    """Tints the rows whose model says they have a problem."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """Paint the tint under the normal item."""
        if index.data(PROBLEM_ROLE):
            painter.fillRect(option.rect, QColor(PROBLEM_TINT))
        super().paint(painter, option, index)
