"""The encrypted store: keys, wrong keys, migrations and what lies on disk."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
import sqlcipher3

from server.store.database import Database
from server.store.errors import MissingKeyError, WrongKeyError
from server.store.keystore import DATABASE_FILE_NAME, KEY_FILE_NAME, load_or_create_key
from server.store.migrations import migration_files


async def test_first_start_makes_a_private_key_file_without_a_keyring(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path / "data")
    assert key.source == "file" and len(key.key) == 32
    key_file = tmp_path / "data" / KEY_FILE_NAME
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "data").stat().st_mode) == 0o700
    # The same key comes back on the next start.
    assert load_or_create_key(tmp_path / "data").key == key.key


async def test_pragmas_and_migrations(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    db = await Database.open(tmp_path / DATABASE_FILE_NAME, key.key)
    try:
        settings = await db.run(
            lambda c: [
                c.execute(f"PRAGMA {name}").fetchone()[0]
                for name in ("journal_mode", "synchronous", "foreign_keys", "secure_delete")
            ]
        )
        assert settings == ["wal", 2, 1, 1]
        versions = await db.run(
            lambda c: [r[0] for r in c.execute("SELECT version FROM schema_migrations")]
        )
        assert versions == [number for number, _ in migration_files()]
    finally:
        await db.close()
    # Opening again applies nothing twice.
    db = await Database.open(tmp_path / DATABASE_FILE_NAME, key.key)
    count = await db.run(lambda c: c.execute("SELECT count(*) FROM schema_migrations").fetchone())
    await db.close()
    assert count[0] == len(migration_files())


async def test_a_wrong_key_is_refused_and_the_data_survives(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    path = tmp_path / DATABASE_FILE_NAME
    db = await Database.open(path, key.key)
    await db.run(
        lambda c: c.execute(
            "INSERT INTO users (username, username_key, email, email_key, password_hash,"
            " first_name, last_name, created_at, updated_at)"
            " VALUES ('u', 'u', 'e@x.org', 'e@x.org', 'h', 'F', 'L', 0, 0)"
        )
    )
    await db.close()
    size = path.stat().st_size
    with pytest.raises(WrongKeyError, match="key is wrong"):
        await Database.open(path, bytes(32))
    assert path.stat().st_size == size
    db = await Database.open(path, key.key)
    users = await db.run(lambda c: c.execute("SELECT count(*) FROM users").fetchone()[0])
    await db.close()
    assert users == 1


async def test_a_database_without_its_key_is_refused_not_replaced(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    db = await Database.open(tmp_path / DATABASE_FILE_NAME, key.key)
    await db.close()
    os.remove(tmp_path / KEY_FILE_NAME)
    with pytest.raises(MissingKeyError, match="exists but its key"):
        load_or_create_key(tmp_path)
    assert not (tmp_path / KEY_FILE_NAME).exists()


async def test_a_damaged_key_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / KEY_FILE_NAME).write_text("not hex at all\n")
    with pytest.raises(Exception, match="256-bit hex key"):
        load_or_create_key(tmp_path)


async def test_a_failed_transaction_leaves_nothing_behind(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    db = await Database.open(tmp_path / DATABASE_FILE_NAME, key.key)

    def insert_then_fail(conn: object) -> None:
        conn.execute(  # type: ignore[attr-defined]
            "INSERT INTO users (username, username_key, email, email_key, password_hash,"
            " first_name, last_name, created_at, updated_at)"
            " VALUES ('u', 'u', 'e@x.org', 'e@x.org', 'h', 'F', 'L', 0, 0)"
        )
        raise ValueError("boom")

    with pytest.raises(ValueError):
        await db.run(insert_then_fail)
    users = await db.run(lambda c: c.execute("SELECT count(*) FROM users").fetchone()[0])
    await db.close()
    assert users == 0


_A_USER = (
    "INSERT INTO users (username, username_key, email, email_key, password_hash,"
    " first_name, last_name, created_at, updated_at)"
    " VALUES ('u', 'u', 'e@x.org', 'e@x.org', 'h', 'F', 'L', 0, 0)"
)


async def test_a_failed_commit_is_rolled_back_and_the_next_write_succeeds(tmp_path: Path) -> None:
    key = load_or_create_key(tmp_path)
    db = await Database.open(tmp_path / DATABASE_FILE_NAME, key.key)

    def orphan_session(conn: sqlcipher3.Connection) -> None:
        # A deferred foreign key is checked only at COMMIT, so it is the COMMIT that fails.
        conn.execute("PRAGMA defer_foreign_keys = ON")
        conn.execute(
            "INSERT INTO sessions (user_id, token_hash, created_at, last_used_at, expires_at)"
            " VALUES (4242, x'00', 0, 0, 0)"
        )

    try:
        with pytest.raises(sqlcipher3.IntegrityError, match="FOREIGN KEY"):
            await db.run(orphan_session)
        # The connection is out of that transaction: the next work starts its own and commits.
        await db.run(lambda c: c.execute(_A_USER))
        counts = await db.run(
            lambda c: [
                c.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
                for table in ("users", "sessions")
            ]
        )
    finally:
        await db.close()
    assert counts == [1, 0]
    # What was committed is on disk, seen by a fresh connection.
    db = await Database.open(tmp_path / DATABASE_FILE_NAME, key.key)
    try:
        assert await db.run(lambda c: c.execute("SELECT username FROM users").fetchone()[0]) == "u"
    finally:
        await db.close()
