"""Reading a contacts CSV: encoding, delimiter, header mapping, row checks, merging by e-mail.

Pure functions over bytes: nothing here touches the database, so a file is checked whole
before any of it is stored (all rows or none).
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from server.contacts.fields import CONTACT_FIELDS, Contact, clean_value, email_key, identity_problem
from server.domain_errors import Invalid, TooLarge
from server.privacy.csv_safety import neutralise

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 10_000
# Blank lines are skipped without counting, but not without end.
MAX_RECORDS = 4 * MAX_ROWS
PREVIEW_ROWS = 20
MAX_MAPPING = 500
MAX_REPORTED_ERRORS = 200
_DELIMITERS = (",", ";", "\t")

# Header names of common exports (Google Contacts old and new, Outlook) and our own, compared
# after `header_key`; the first one a file has wins, so "Job Title" beats Outlook's "Title"
# (which holds "Mr." or "Dr.").
ALIASES: dict[str, tuple[str, ...]] = {
    "first_name": ("firstname", "givenname", "first", "name", "fullname", "displayname"),
    "last_name": ("lastname", "familyname", "surname", "last"),
    "email": (
        "email", "emailaddress", "email1value", "email1address", "primaryemail", "mail",
    ),
    "phone": (
        "phone", "phone1value", "mobilephone", "mobile", "businessphone", "homephone",
        "primaryphone", "telephone", "phonenumber",
    ),
    "company": (
        "company", "organizationname", "organization1name", "organization", "organisation",
        "companyname",
    ),
    "title": ("jobtitle", "organizationtitle", "organization1title", "title"),
    "notes": ("notes", "note"),
}
# Outlook has several phone columns: a row takes the first that is filled in.
_MULTI_COLUMN_FIELDS = frozenset({"phone"})
IGNORE = "ignore"


@dataclass(frozen=True)
class RowError:
    row: int
    field: str | None
    message: str

    def as_json(self) -> dict[str, object]:
        return {"row": self.row, "field": self.field, "message": self.message}


class ImportRejected(Invalid):
    """Some rows are wrong: nothing is stored, and the report (`rows`) says which and why."""

    def __init__(self, errors: list[RowError]):
        rows = len({error.row for error in errors})
        message = f"{len(errors)} problem(s) in {rows} row(s); nothing was imported"
        if len(errors) > MAX_REPORTED_ERRORS:
            message += f" (the first {MAX_REPORTED_ERRORS} are listed)"
        self.errors = errors[:MAX_REPORTED_ERRORS]
        details = {"rows": [e.as_json() for e in self.errors]}
        super().__init__(message, "import_rejected", details=details)


@dataclass(frozen=True)
class Column:
    header: str
    field: str | None


@dataclass
class ImportPlan:
    """A checked file: contacts ready to store (already merged within the file) or errors."""

    encoding: str
    delimiter: str
    columns: list[Column]
    contacts: list[Contact] = field(default_factory=list)
    merged_in_file: int = 0
    rows: int = 0
    errors: list[RowError] = field(default_factory=list)
    preview: list[dict[str, object]] = field(default_factory=list)


def header_key(header: str) -> str:
    """Headers match without case, spaces or punctuation: "E-mail 1 - Value" is email1value."""
    return re.sub(r"[\W_]+", "", header.casefold())


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), UTF-16 with a BOM, else Latin-1.

    Windows-1252 is tried before Latin-1 proper: it is what Excel writes, and it agrees with
    Latin-1 on every printable Latin-1 character.
    """
    if data.startswith(codecs.BOM_UTF8):
        candidates = ["utf-8-sig"]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        candidates = ["utf-16"]
    else:
        candidates = ["utf-8", "windows-1252", "latin-1"]
    for encoding in candidates:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    message = f"the file starts with a {candidates[0]} byte-order mark but is not {candidates[0]}"
    raise Invalid(message, "invalid_encoding")


def sniff_delimiter(text: str) -> str:
    """Comma, semicolon (spreadsheets in decimal-comma locales) or tab: the header line tells."""
    first_line = re.split(r"[\r\n]", text, maxsplit=1)[0]
    unquoted = re.sub(r'"[^"]*"', "", first_line)
    counts = {d: unquoted.count(d) for d in _DELIMITERS}
    best = max(_DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] > 0 else ","


def parse_mapping(spec: str | None) -> dict[str, str]:
    """`?map=CSV header:field,...` as {header key: field}; "ignore" leaves a column out."""
    mapping: dict[str, str] = {}
    if not spec:
        return mapping
    if len(spec) > MAX_MAPPING:
        raise _bad_mapping(f"at most {MAX_MAPPING} characters")
    for item in spec.split(","):
        header, sep, target = item.rpartition(":")
        target = target.strip()
        if not sep or not header.strip():
            raise _bad_mapping(f"{item!r} is not 'CSV header:field'")
        if target not in CONTACT_FIELDS and target != IGNORE:
            raise _bad_mapping(f"{target!r} is not one of {', '.join(CONTACT_FIELDS)} or ignore")
        mapping[header_key(header)] = target
    return mapping


def _bad_mapping(message: str) -> Invalid:
    return Invalid(message, "invalid_mapping", fields={"map": message})


def map_columns(headers: list[str], explicit: Mapping[str, str]) -> dict[str, list[int]]:
    """For each of our fields, the column indexes that feed it (in order of preference)."""
    keys = [header_key(h) for h in headers]
    for wanted in explicit:
        if wanted not in keys:
            raise _bad_mapping(f"the file has no column named like {wanted!r}")
    used: set[int] = set()
    sources: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        target = explicit.get(key)
        if target is not None and index not in used and key not in keys[:index]:
            used.add(index)
            if target != IGNORE:
                sources.setdefault(target, []).append(index)
    for name in CONTACT_FIELDS:
        if name in sources:
            continue
        for alias in ALIASES[name]:
            free = [i for i, key in enumerate(keys) if key == alias and i not in used]
            if free:
                sources.setdefault(name, []).append(free[0])
                used.add(free[0])
                if name not in _MULTI_COLUMN_FIELDS:
                    break
    return sources


def restore(value: str) -> str:
    """Undo our export's formula guard, so an export imports back unchanged."""
    if value.startswith("'") and neutralise(value[1:]) == value:
        return value[1:]
    return value


def _cell(record: list[str], index: int, name: str) -> str:
    value = restore(record[index]) if index < len(record) else ""
    if name in ("email", "phone"):
        # Google puts several values in one cell, joined by " ::: ".
        value = value.split(":::", 1)[0]
    return value


def _records(text: str, delimiter: str) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it, cells); csv.Error surfaces to the caller."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    yield from enumerate(reader, start=1)


def plan_import(data: bytes, mapping_spec: str | None = None) -> ImportPlan:
    """Check a whole file; raise for a file that cannot be read at all."""
    explicit = parse_mapping(mapping_spec)
    text, encoding = decode(data)
    delimiter = sniff_delimiter(text)
    records = _records(text, delimiter)
    try:
        _, headers = next(records, (1, []))
    except csv.Error as exc:
        raise Invalid(f"the header row is not valid CSV: {exc}", "invalid_csv") from exc
    if not any(h.strip() for h in headers):
        raise Invalid("the file has no header row", "empty_file")
    sources = map_columns(headers, explicit)
    if not sources:
        raise Invalid(
            "no column matches a contact field; name them like First Name, Last Name, "
            "E-mail Address, Phone, Company, Job Title, Notes, or map them with ?map=",
            "no_known_columns",
        )
    field_of = {index: name for name, indexes in sources.items() for index in indexes}
    plan = ImportPlan(
        encoding=encoding,
        delimiter=delimiter,
        columns=[Column(h, field_of.get(i)) for i, h in enumerate(headers)],
    )
    by_email: dict[str, Contact] = {}
    number = 1
    try:
        for number, record in records:
            if number > MAX_RECORDS:
                raise _too_many_rows()
            if not any(cell.strip() for cell in record):
                continue
            plan.rows += 1
            if plan.rows > MAX_ROWS:
                raise _too_many_rows()
            _add_row(plan, by_email, number, record, sources)
    except csv.Error as exc:
        plan.errors.append(RowError(number + 1, None, f"not valid CSV: {exc}"))
    return plan


def _too_many_rows() -> TooLarge:
    return TooLarge(f"a file may hold at most {MAX_ROWS:,} contacts", "too_many_rows")


def _add_row(
    plan: ImportPlan,
    by_email: dict[str, Contact],
    number: int,
    record: list[str],
    sources: Mapping[str, list[int]],
) -> None:
    contact: Contact = {name: None for name in CONTACT_FIELDS}
    shown: dict[str, object] = {}
    problems: list[RowError] = []
    for name, indexes in sources.items():
        raw = next((v for v in (_cell(record, i, name) for i in indexes) if v.strip()), "")
        shown[name] = raw
        value, problem = clean_value(name, raw)
        if problem:
            problems.append(RowError(number, name, problem))
        contact[name] = value
    if not problems and (problem := identity_problem(contact)):
        problems.append(RowError(number, None, problem))
    if len(plan.preview) < PREVIEW_ROWS:
        plan.preview.append({"row": number, "values": shown})
    if problems:
        plan.errors.extend(problems)
        return
    key = email_key(contact["email"])
    earlier = by_email.get(key) if key else None
    if earlier is None:
        plan.contacts.append(contact)
        if key:
            by_email[key] = contact
        return
    # The same person twice in one file: the first row's values stand, later rows fill gaps.
    for name, value in contact.items():
        if value and not earlier[name]:
            earlier[name] = value
    plan.merged_in_file += 1
