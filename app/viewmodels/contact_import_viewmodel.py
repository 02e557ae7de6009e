"""The CSV import dialog: read a file, preview it (dry run), adjust the mapping, import it whole."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.contacts_data import CONTACT_FIELDS, IGNORE, ImportPreview, RowError, row_errors
from app.core.contacts_import import ImportFileError, mapping_spec, read_import_file
from app.models.text_table_model import TextRow, TextTableModel
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.messages import sentence

REJECTED = "import_rejected"
FIELD_NAMES = {
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "phone": "Phone",
    "company": "Company",
    "title": "Job title",
    "notes": "Notes",
}
ERROR_HEADERS = ("Row", "Column", "Problem")
DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab"}


def field_choices() -> list[tuple[str, str]]:
    """(target, label) for the mapping boxes: every contact field, then "Don't import"."""
    return [(name, FIELD_NAMES[name]) for name in CONTACT_FIELDS] + [(IGNORE, "Don't import")]


def _field_name(name: str | None) -> str:
    return FIELD_NAMES.get(name or "", name or "")


def _plural(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


class ContactImportViewModel(FormViewModel):
    """Holds the chosen file's bytes, the mapping the member picked and the last preview."""

    previewChanged = Signal(dict)
    imported = Signal(str)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._path: Path | None = None
        self._data = b""
        self._overrides: dict[str, str] = {}
        self._preview: ImportPreview | None = None
        self.rows = TextTableModel(("Row",), self)
        self.errors = TextTableModel(ERROR_HEADERS, self)

    @property
    def state(self) -> dict[str, Any]:
        """{"file", "summary", "columns": [{"header", "field"}], "can_import", "problems"}."""
        preview = self._preview
        return {
            "file": self._path.name if self._path else "",
            "summary": self._summary(),
            "columns": [
                {"header": c.header, "field": c.field or IGNORE}
                for c in (preview.columns if preview else [])
            ],
            "can_import": bool(preview and not preview.errors and preview.row_count and self._data),
            "problems": self.errors.rowCount(),
        }

    def reset(self) -> None:
        """Forget the file and everything shown about it."""
        self._path, self._data, self._preview = None, b"", None
        self._overrides = {}
        self.rows.set_rows([], ("Row",))
        self.errors.set_rows([])
        self.clear_messages()
        self.previewChanged.emit(self.state)

    @asyncSlot(str)
    async def choose_file(self, path: str) -> None:
        """Read a CSV file and preview it with the server's automatic mapping."""
        if not path:
            return
        self.reset()
        self._path = Path(path)
        await self._read_and_preview()

    @asyncSlot()
    async def reload(self) -> None:
        """Read the same file again (after fixing it) and preview it with the same mapping."""
        if self._path is not None:
            await self._read_and_preview()

    @asyncSlot(str, str)
    async def set_mapping(self, header: str, target: str) -> None:
        """Feed a column into another field (or IGNORE it), then preview again."""
        self._overrides[header] = target
        await self._run_preview()

    @asyncSlot()
    async def run_import(self) -> None:
        """Import every row or none; a rejected file shows its row report."""
        if not self._data:
            return
        self.clear_messages()
        self._set_busy(True)
        try:
            result = await self._account.api.import_contacts(self._data, self._spec())
        except ApiError as exc:
            self._report_failure(exc)
            return
        except ImportFileError as exc:
            self._set_error(str(exc))
            return
        finally:
            self._set_busy(False)
        message = (
            f"Imported {_plural(result.imported, 'new contact', 'new contacts')} and merged "
            f"{_plural(result.merged, 'row', 'rows')} into contacts you had. Your address book "
            f"holds {_plural(result.total, 'contact', 'contacts')}."
        )
        self._set_status(message)
        self.imported.emit(message)

    async def _read_and_preview(self) -> None:
        assert self._path is not None
        self.clear_messages()
        self._set_busy(True)
        try:
            self._data = await read_import_file(self._path)
        except ImportFileError as exc:
            self._data = b""
            self._set_error(str(exc))
            self.previewChanged.emit(self.state)
            return
        finally:
            self._set_busy(False)
        await self._run_preview()

    async def _run_preview(self) -> None:
        if not self._data:
            return
        self.clear_messages()
        self._set_busy(True)
        try:
            preview = await self._account.api.preview_import(self._data, self._spec())
        except ApiError as exc:
            self._preview = None
            self._report_failure(exc)
            self.previewChanged.emit(self.state)
            return
        except ImportFileError as exc:
            self._set_error(str(exc))
            return
        finally:
            self._set_busy(False)
        self._show_preview(preview)

    def _spec(self) -> str:
        return mapping_spec(self._overrides)

    def _show_preview(self, preview: ImportPreview) -> None:
        self._preview = preview
        mapped = [name for name in CONTACT_FIELDS if any(c.field == name for c in preview.columns)]
        bad_rows = {error.row for error in preview.errors}
        self.rows.set_rows(
            [
                TextRow(
                    (str(row.row), *(row.values.get(name, "") for name in mapped)),
                    key=row.row,
                    problem=row.row in bad_rows,
                    tooltip=self._row_tooltip(row.row, preview.errors),
                )
                for row in preview.rows
            ],
            ("Row", *(FIELD_NAMES[name] for name in mapped)),
        )
        self._show_errors(preview.errors)
        if preview.errors:
            self._set_error(
                f"{_plural(len(bad_rows), 'row has', 'rows have')} problems, listed below. "
                "Podium imports all rows or none: fix the file (or the column mapping) first."
            )
        self.previewChanged.emit(self.state)

    def _show_errors(self, errors: list[RowError]) -> None:
        self.errors.set_rows(
            [
                TextRow(
                    (
                        str(e.row),
                        FIELD_NAMES.get(e.field or "", e.field or ""),
                        sentence(e.message),
                    ),
                    key=e.row,
                    problem=True,
                )
                for e in errors
            ]
        )

    @staticmethod
    def _row_tooltip(row: int, errors: list[RowError]) -> str:
        return "\n".join(sentence(e.message) for e in errors if e.row == row)

    def _report_failure(self, exc: ApiError) -> None:
        rows = row_errors(exc.details)
        if exc.code == REJECTED and rows:
            self._report(exc)
            self._show_errors(rows)
            self._set_error(
                f"Nothing was imported: {_plural(len(rows), 'problem', 'problems')} in "
                f"{_plural(len({r.row for r in rows}), 'row', 'rows')}, listed below."
            )
            self.previewChanged.emit(self.state)
            return
        self._report(exc)

    def _summary(self) -> str:
        preview = self._preview
        if preview is None:
            return ""
        how = f"{preview.encoding.upper()}, {DELIMITERS.get(preview.delimiter, 'other')}-separated"
        read = f"{_plural(preview.row_count, 'row', 'rows')} read ({how})."
        if preview.errors:
            return read
        return (
            f"{read} Importing adds {_plural(preview.imported, 'new contact', 'new contacts')} "
            f"and merges {_plural(preview.merged, 'row', 'rows')} into contacts with the same "
            "e-mail address."
        )
