"""Numbered SQL migrations in server/store/migrations/, applied once each, in order."""

from __future__ import annotations

import re
from pathlib import Path

import sqlcipher3

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
_NAME = re.compile(r"^(\d{4})_[a-z0-9_]+\.sql$")


def migration_files() -> list[tuple[int, Path]]:
    found = []
    for path in MIGRATIONS_DIR.iterdir():
        match = _NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    found.sort()
    numbers = [number for number, _ in found]
    if numbers != list(range(1, len(numbers) + 1)):
        raise RuntimeError(f"migration numbers must run 1..n without gaps, found {numbers}")
    return found


def apply_migrations(conn: sqlcipher3.Connection) -> list[int]:
    """Apply every migration newer than the database; return the numbers applied."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations ("
        " version INTEGER PRIMARY KEY, applied_at REAL NOT NULL DEFAULT (unixepoch('subsec')))"
    )
    done = {row[0] for row in conn.execute("SELECT version FROM schema_migrations")}
    applied = []
    for number, path in migration_files():
        if number in done:
            continue
        # executescript commits implicitly, so the statements and the bookkeeping go in one script.
        script = path.read_text(encoding="utf-8")
        conn.executescript(
            f"BEGIN;\n{script}\nINSERT INTO schema_migrations (version) VALUES ({number});\nCOMMIT;"
        )
        applied.append(number)
    return applied
