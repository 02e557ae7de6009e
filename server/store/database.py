"""The encrypted SQLCipher database: one connection owned by one worker thread."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

import sqlcipher3

from server.private_files import private_dir, private_file
from server.store.errors import StoreError, WrongKeyError
from server.store.migrations import apply_migrations

T = TypeVar("T")
log = logging.getLogger(__name__)

KEY_BYTES = 32


class Database:
    """All SQL runs on one worker thread so the event loop never blocks and writes never race."""

    def __init__(self, path: Path, executor: ThreadPoolExecutor, conn: sqlcipher3.Connection):
        self.path = path
        self._executor = executor
        self._conn = conn

    @classmethod
    async def open(cls, path: Path, key: bytes) -> Database:
        """Open (or create) the database with a raw 256-bit key and bring its schema up to date."""
        if len(key) != KEY_BYTES:
            raise StoreError("the database key must be 32 bytes")
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="podium-db")
        loop = asyncio.get_running_loop()
        try:
            conn = await loop.run_in_executor(executor, _connect, path, key)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(path, executor, conn)

    async def run(self, work: Callable[[sqlcipher3.Connection], T]) -> T:
        """Run `work` in one transaction on the database thread; roll back if it raises."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, self._transaction, work)

    def _transaction(self, work: Callable[[sqlcipher3.Connection], T]) -> T:
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            result = work(conn)
            conn.execute("COMMIT")
        except BaseException:
            # A failed COMMIT (a deferred constraint, a full disk) leaves the transaction open;
            # some errors end it already. Either way the next work must start clean.
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return result

    async def checkpoint(self) -> None:
        """Fold the WAL back into the main file and truncate it, so erased rows do not linger."""
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(
            self._executor, lambda: self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        )

    async def close(self) -> None:
        loop = asyncio.get_running_loop()
        with contextlib.suppress(Exception):
            await loop.run_in_executor(self._executor, self._conn.close)
        self._executor.shutdown(wait=True)


def _connect(path: Path, key: bytes) -> sqlcipher3.Connection:
    private_dir(path.parent)
    private_file(path)  # before SQLite makes it: its -wal and -shm take the file's mode
    for leftover in (path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
        if leftover.exists():  # left by a crash, perhaps by a version that made them 0644
            private_file(leftover)
    conn = sqlcipher3.connect(str(path), isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlcipher3.DatabaseError as exc:
            raise WrongKeyError(
                f"cannot open {path}: the database key is wrong or the file is damaged"
            ) from exc
        conn.execute("PRAGMA journal_mode = WAL").fetchone()
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA secure_delete = ON")
        conn.row_factory = sqlcipher3.Row
        apply_migrations(conn)
    except BaseException:
        conn.close()
        raise
    return conn
