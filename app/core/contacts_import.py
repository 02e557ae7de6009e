"""Client side of a contacts import: reading the chosen file and writing the column mapping."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

from app.core.contacts_data import CONTACT_FIELDS, IGNORE

# The server refuses larger files (413); saying so before the upload is kinder.
MAX_FILE_BYTES = 5 * 1024 * 1024
# The server's limit on the `map` parameter.
MAX_MAPPING_CHARS = 500


class ImportFileError(Exception):
    """The chosen file cannot be read or is too large to import."""


def header_key(header: str) -> str:
    """The header as the server compares it: no case, spaces or punctuation."""
    return re.sub(r"[\W_]+", "", header.casefold())


async def read_import_file(path: Path) -> bytes:
    """The file's bytes (read off the event loop), or ImportFileError with a sentence."""
    path = Path(path)

    def read() -> bytes:
        with path.open("rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
        return data

    try:
        data = await asyncio.to_thread(read)
    except OSError as exc:
        raise ImportFileError(f"Cannot read {path.name}: {exc.strerror or exc}.") from exc
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"{path.name} is larger than 5 MB, the most Podium imports at once.")
    if not data.strip():
        raise ImportFileError(f"{path.name} is empty.")
    return data


def mapping_spec(overrides: dict[str, str]) -> str:
    """`header:field,...` for the server's `map` parameter, from {CSV header: field or ignore}.

    Headers are sent as their comparison keys, so commas or colons in them cannot break the list.
    """
    items = []
    for header, target in overrides.items():
        key = header_key(header)
        if not key:
            continue
        if target not in CONTACT_FIELDS and target != IGNORE:
            raise ValueError(f"unknown contact field {target!r}")
        items.append(f"{key}:{target}")
    spec = ",".join(items)
    if len(spec) > MAX_MAPPING_CHARS:
        raise ImportFileError("Too many columns are mapped by hand; rename them in the file.")
    return spec
