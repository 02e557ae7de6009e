"""No personal data is readable in any file of the data directory without the key."""

from __future__ import annotations

import stat
from pathlib import Path

from aiohttp.test_utils import TestClient

from server.settings import Settings
from server.store.database import Database
from server.store.keystore import (
    DATABASE_FILE_NAME,
    KEY_FILE_NAME,
    database_path,
    load_or_create_key,
)
from tests.server.conftest import bearer, login, register


def files_in(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


async def test_data_directory_holds_no_plaintext(client: TestClient, settings: Settings) -> None:
    await register(
        client,
        email="marker.person@example.org",
        username="markerperson",
        first_name="Zebedee",
        city="Quuxtown",
    )
    token = await login(client, "markerperson")
    await client.patch("/api/v1/me", headers=bearer(token), json={"company": "Plaintextcorp"})
    needles = [
        b"marker.person",
        b"markerperson",
        b"Zebedee",
        b"Quuxtown",
        b"Plaintextcorp",
        b"CREATE TABLE",
        b"SQLite format",
    ]
    files = files_in(settings.data_dir)
    assert any(p.name.endswith("-wal") for p in files)  # the WAL is checked too
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            assert needle not in content, f"{needle!r} readable in {path.name}"
            assert needle.decode().encode("utf-16-le") not in content


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


async def test_every_file_in_the_data_directory_is_the_servers_alone(
    client: TestClient, settings: Settings
) -> None:
    await register(client)
    await login(client)
    names = {p.name for p in files_in(settings.data_dir)}
    assert {"podium.db", "podium.db-wal", "podium.db-shm", KEY_FILE_NAME} <= names
    for path in [settings.data_dir, *settings.data_dir.rglob("*")]:
        assert mode(path) == (0o700 if path.is_dir() else 0o600), path.name


async def test_files_left_readable_by_others_are_made_private_on_start(tmp_path: Path) -> None:
    data = tmp_path / "data"
    key = load_or_create_key(data, use_keyring=False)
    db = await Database.open(database_path(data), key.key)
    await db.close()
    wal = data / f"{DATABASE_FILE_NAME}-wal"
    wal.write_bytes(b"")  # as a crash leaves it (an empty WAL is ignored)
    for path in (data, data / KEY_FILE_NAME, database_path(data), wal):
        path.chmod(0o755 if path.is_dir() else 0o644)
    key = load_or_create_key(data, use_keyring=False)
    db = await Database.open(database_path(data), key.key)
    try:
        await db.run(lambda conn: conn.execute("PRAGMA user_version = 1"))
        assert wal.exists()
        modes = [mode(p) for p in (data, data / KEY_FILE_NAME, database_path(data), wal)]
    finally:
        await db.close()
    assert modes == [0o700, 0o600, 0o600, 0o600]
