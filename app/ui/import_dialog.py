"""Importing contacts: choose a CSV, check the preview and mapping, see row errors, import."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from app.ui.dialogs import ask_open_path, fit_to_window
from app.ui.tables import ProblemRowDelegate, fit_rows, list_table
from app.ui.widgets import Banner, button, plain_label, title
from app.viewmodels.contact_import_viewmodel import ContactImportViewModel, field_choices

MAPPING_COLUMNS = 2
MAPPING_ROWS = 4
CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"


PREFERRED_SIZE = (900, 780)


class ImportDialog(QDialog):
    """Every step shows at once: file, mapping, preview, problems; Import when all is well."""

    def __init__(self, vm: ContactImportViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        # Replaced in tests, which cannot click through a native file dialog.
        self.ask_open_path: Callable[[QWidget, str, str], str] = ask_open_path
        self.setObjectName("importDialog")
        self.setWindowTitle("Import contacts")
        self.resize(*PREFERRED_SIZE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(28, 24, 28, 20)
        layout.setSpacing(10)
        layout.addWidget(title("Import contacts from a CSV file"))
        layout.addWidget(
            plain_label(
                "Exports of Google Contacts, Outlook or a spreadsheet work as they are. Podium "
                "imports every row or none, and merges rows with an e-mail address already in "
                "your address book (empty fields are filled, nothing is overwritten).",
                role="hint",
            )
        )
        file_line = QHBoxLayout()
        self.file = plain_label("No file chosen.", role="field", wrap=False)
        self.file.setObjectName("importFile")
        self.choose = button("Choose file…", role="secondary")
        self.choose.setObjectName("chooseImportFile")
        self.recheck = button("Check again", role="secondary")
        self.recheck.setToolTip("Read the file again, e.g. after fixing it")
        file_line.addWidget(self.file, 1)
        file_line.addWidget(self.recheck)
        file_line.addWidget(self.choose)
        layout.addLayout(file_line)
        self.summary = plain_label(role="hint")
        self.summary.setObjectName("importSummary")
        layout.addWidget(self.summary)
        self.error = Banner("error")
        self.error.setObjectName("importError")
        layout.addWidget(self.error)

        self.mapping_title = plain_label(
            "Columns: which contact field each column of the file goes into", role="field"
        )
        layout.addWidget(self.mapping_title)
        self.mapping_box = QWidget()
        self.mapping_grid = QGridLayout(self.mapping_box)
        self.mapping_grid.setContentsMargins(0, 0, 0, 0)
        self.mapping_grid.setHorizontalSpacing(12)
        self.mapping_grid.setVerticalSpacing(6)
        self.mapping_scroll = QScrollArea()
        self.mapping_scroll.setObjectName("importMapping")
        self.mapping_scroll.setWidgetResizable(True)
        self.mapping_scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.mapping_scroll.setWidget(self.mapping_box)
        layout.addWidget(self.mapping_scroll)
        self.mappings: list[tuple[str, QComboBox]] = []
        self._can_import = False

        self.preview_title = plain_label("Preview: the first rows as they will be imported")
        self.preview_title.setProperty("role", "field")
        layout.addWidget(self.preview_title)
        self.preview = list_table(vm.rows, "importPreview", stretch=-1)
        self.preview.setAccessibleName("Contacts in the file")
        self.preview.setItemDelegate(ProblemRowDelegate(self.preview))
        self.preview.setMinimumHeight(150)
        layout.addWidget(self.preview, 1)

        self.problems_title = plain_label("Problems to fix in the file", role="field")
        layout.addWidget(self.problems_title)
        self.problems = list_table(vm.errors, "importProblems", stretch=2)
        self.problems.setAccessibleName("Rows that cannot be imported")
        self.problems.setItemDelegate(ProblemRowDelegate(self.problems))
        fit_rows(self.problems, 5)
        layout.addWidget(self.problems)

        self.status = Banner("success")
        self.status.setObjectName("importStatus")
        layout.addWidget(self.status)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.close_button = button("Close", role="secondary")
        self.run = button("Import")
        self.run.setObjectName("runImport")
        actions.addWidget(self.close_button)
        actions.addWidget(self.run)
        layout.addLayout(actions)

        self.choose.clicked.connect(self._choose)
        self.recheck.clicked.connect(vm.reload)
        self.run.clicked.connect(vm.run_import)
        self.close_button.clicked.connect(self.accept)
        vm.previewChanged.connect(self._show)
        vm.errorChanged.connect(self.error.show_message)
        vm.statusChanged.connect(self._on_status)
        vm.busyChanged.connect(self._set_busy)
        self._show(vm.state)

    def showEvent(self, event: QShowEvent) -> None:
        """Open at a comfortable size that still fits inside the main window."""
        fit_to_window(self, *PREFERRED_SIZE)
        super().showEvent(event)

    def _choose(self) -> None:
        path = self.ask_open_path(self, "Choose a CSV file", CSV_FILTER)
        if path:
            self._vm.choose_file(path)

    def _show(self, state: dict[str, Any]) -> None:
        self.file.setText(state["file"] or "No file chosen.")
        self.summary.setText(state["summary"])
        self.summary.setVisible(bool(state["summary"]))
        self._build_mapping(state["columns"])
        has_preview = self._vm.rows.rowCount() > 0
        self.preview_title.setVisible(has_preview)
        self.preview.setVisible(has_preview)
        has_problems = state["problems"] > 0
        self.problems_title.setVisible(has_problems)
        self.problems.setVisible(has_problems)
        self.recheck.setVisible(bool(state["file"]))
        self._can_import = bool(state["can_import"])
        self.run.setEnabled(self._can_import)
        self.close_button.setText("Close")

    def _build_mapping(self, columns: list[dict[str, str]]) -> None:
        headers = [column["header"] for column in columns]
        if headers != [header for header, _box in self.mappings]:
            while self.mapping_grid.count():
                item = self.mapping_grid.takeAt(0)
                widget = item.widget() if item is not None else None
                if widget is not None:
                    widget.deleteLater()
            self.mappings = []
            for at, header in enumerate(headers):
                box = QComboBox()
                box.setObjectName(f"mapping_{at}")
                for target, label in field_choices():
                    box.addItem(label, target)
                box.activated.connect(
                    lambda _i, h=header, b=box: self._vm.set_mapping(h, str(b.currentData()))
                )
                self.mappings.append((header, box))
                row, col = divmod(at, MAPPING_COLUMNS)
                self.mapping_grid.addWidget(
                    plain_label(header or "(no name)", wrap=False), row, col * 2
                )
                self.mapping_grid.addWidget(box, row, col * 2 + 1)
            for col in range(MAPPING_COLUMNS):
                self.mapping_grid.setColumnStretch(col * 2 + 1, 1)
            self._fit_mapping(len(headers))
        for column, (_header, box) in zip(columns, self.mappings, strict=True):
            box.setCurrentIndex(max(0, box.findData(column["field"])))
        self.mapping_title.setVisible(bool(columns))
        self.mapping_scroll.setVisible(bool(columns))

    def _fit_mapping(self, count: int) -> None:
        """As tall as the boxes, up to MAPPING_ROWS rows of them; more scroll."""
        if count == 0:
            return
        for _header, box in self.mappings:
            box.ensurePolished()
        self.mapping_grid.activate()
        rows = -(-count // MAPPING_COLUMNS)
        height = self.mapping_box.sizeHint().height()
        if rows > MAPPING_ROWS:
            height = height * MAPPING_ROWS // rows
        self.mapping_scroll.setFixedHeight(height + 2)

    def _on_status(self, message: str) -> None:
        self.status.show_message(message)
        if message:
            # Imported: the file is in the address book now, so another click would only merge.
            self._can_import = False
            self.run.setEnabled(False)
            self.close_button.setText("Done")

    def _set_busy(self, busy: bool) -> None:
        self.choose.setEnabled(not busy)
        self.recheck.setEnabled(not busy)
        self.run.setEnabled(not busy and self._can_import)
        for _header, box in self.mappings:
            box.setEnabled(not busy)
