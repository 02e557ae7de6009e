"""Typed forms of the address book API: contacts, the import preview and its row report."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# The fields of a contact, in the order the server's CSV export writes them.
CONTACT_FIELDS = ("first_name", "last_name", "email", "phone", "company", "title", "notes")
# The mapping target that leaves a CSV column out.
IGNORE = "ignore"


@dataclass(frozen=True)
class Contact:
    """One entry of the member's address book; empty fields are ""."""

    id: int
    values: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    updated_at: str = ""

    def get(self, name: str) -> str:
        """A field's value, or ""."""
        return self.values.get(name, "")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Contact:
        """Build from a contact object."""
        return cls(
            id=int(data["id"]),
            values={name: str(data.get(name) or "") for name in CONTACT_FIELDS},
            created_at=str(data.get("created_at") or ""),
            updated_at=str(data.get("updated_at") or ""),
        )


@dataclass(frozen=True)
class RowError:
    """A problem in one row of an imported file; row 1 is the header, as in a spreadsheet."""

    row: int
    field: str | None
    message: str

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RowError:
        """Build from a row error object."""
        name = data.get("field")
        return cls(
            row=int(data.get("row") or 0),
            field=None if name is None else str(name),
            message=str(data.get("message") or ""),
        )


@dataclass(frozen=True)
class ImportColumn:
    """A column of the file and the contact field it feeds (None: left out)."""

    header: str
    field: str | None


@dataclass(frozen=True)
class PreviewRow:
    """One data row as mapped onto contact fields."""

    row: int
    values: dict[str, str]


@dataclass(frozen=True)
class ImportPreview:
    """What importing a file would do, without storing anything (a dry run)."""

    encoding: str
    delimiter: str
    columns: list[ImportColumn]
    rows: list[PreviewRow]
    errors: list[RowError]
    row_count: int
    imported: int
    merged: int
    total: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportPreview:
        """Build from a dry run's answer."""
        return cls(
            encoding=str(data.get("encoding") or ""),
            delimiter=str(data.get("delimiter") or ","),
            columns=[
                ImportColumn(
                    header=str(item.get("header") or ""),
                    field=None if item.get("field") is None else str(item["field"]),
                )
                for item in data.get("columns") or []
            ],
            rows=[
                PreviewRow(
                    row=int(item.get("row") or 0),
                    values={str(k): str(v) for k, v in (item.get("values") or {}).items()},
                )
                for item in data.get("preview") or []
            ],
            errors=[RowError.from_json(item) for item in data.get("errors") or []],
            row_count=int(data.get("rows") or 0),
            imported=int(data.get("imported") or 0),
            merged=int(data.get("merged") or 0),
            total=int(data.get("total") or 0),
        )


@dataclass(frozen=True)
class ImportResult:
    """What an import stored."""

    imported: int
    merged: int
    total: int
    rows: int

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImportResult:
        """Build from an import's answer."""
        return cls(
            imported=int(data.get("imported") or 0),
            merged=int(data.get("merged") or 0),
            total=int(data.get("total") or 0),
            rows=int(data.get("rows") or 0),
        )


def row_errors(details: dict[str, Any]) -> list[RowError]:
    """The row report of a 422 `import_rejected` answer (its error object's `rows`)."""
    rows = details.get("rows")
    if not isinstance(rows, list):
        return []
    return [RowError.from_json(item) for item in rows if isinstance(item, dict)]
