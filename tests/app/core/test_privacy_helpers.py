"""Client-side helpers without a server: streamed saving, the import file and mapping, parsing."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.core.contacts_data import ImportPreview, row_errors
from app.core.contacts_import import (
    MAX_FILE_BYTES,
    ImportFileError,
    header_key,
    mapping_spec,
    read_import_file,
)
from app.core.downloads import SaveError, part_path, save_stream
from app.core.privacy_data import Consents, PolicyState


async def chunks(*parts: bytes, fail_after: int | None = None) -> AsyncIterator[bytes]:
    """Yield the parts, or break off with a network-like error after some of them."""
    for at, part in enumerate(parts):
        if fail_after is not None and at == fail_after:
            raise ConnectionResetError("connection lost")
        yield part


async def test_a_download_is_renamed_into_place_with_progress(tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "export.zip"
    result = await save_stream(chunks(b"abc", b"de"), dest, 5, lambda a, b: seen.append((a, b)))
    assert dest.read_bytes() == b"abcde" and result.size == 5
    assert seen == [(0, 5), (3, 5), (5, 5)]
    assert not part_path(dest).exists()


async def test_a_broken_download_leaves_nothing_and_keeps_an_older_file(tmp_path: Path) -> None:
    dest = tmp_path / "export.zip"
    dest.write_bytes(b"older export")
    with pytest.raises(ConnectionResetError):
        await save_stream(chunks(b"abc", b"de", fail_after=1), dest)
    assert dest.read_bytes() == b"older export"
    assert not part_path(dest).exists()


async def test_the_disk_work_runs_off_the_loop_and_progress_on_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    loop = asyncio.get_running_loop()
    loop_thread = threading.current_thread()
    real_fsync = os.fsync
    fsyncs: list[tuple[threading.Thread, bool]] = []

    def fsync_while_the_loop_runs(fd: int) -> None:
        # The loop must be free while the disk is busy: it sets the event while this waits.
        # Were fsync run on the loop, the event could only be set after this returned.
        loop_ran = threading.Event()
        loop.call_soon_threadsafe(loop_ran.set)
        fsyncs.append((threading.current_thread(), loop_ran.wait(30)))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", fsync_while_the_loop_runs)
    progress_threads: set[threading.Thread] = set()
    seen: list[int] = []

    def progress(received: int, total: int | None) -> None:
        progress_threads.add(threading.current_thread())
        seen.append(received)

    dest = tmp_path / "export.zip"
    parts = [bytes([n]) * 65536 for n in range(8)]
    result = await save_stream(chunks(*parts), dest, 8 * 65536, progress)
    assert dest.read_bytes() == b"".join(parts) and result.size == 8 * 65536
    [(fsync_thread, loop_was_free)] = fsyncs
    assert fsync_thread is not loop_thread and loop_was_free
    assert progress_threads == {loop_thread}
    assert seen == [n * 65536 for n in range(9)]


async def test_a_cancelled_download_leaves_nothing(tmp_path: Path) -> None:
    started = asyncio.Event()

    async def endless() -> AsyncIterator[bytes]:
        while True:
            yield b"x" * 4096
            started.set()

    dest = tmp_path / "export.zip"
    task = asyncio.create_task(save_stream(endless(), dest))
    await asyncio.wait_for(started.wait(), 30)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not dest.exists() and not part_path(dest).exists()


async def test_an_unwritable_place_is_a_save_error(tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="Cannot write"):
        await save_stream(chunks(b"x"), tmp_path / "no such folder" / "export.zip")


async def test_reading_the_import_file(tmp_path: Path) -> None:
    good = tmp_path / "contacts.csv"
    good.write_bytes(b"Name,Email\nAda,ada@example.org\n")
    assert await read_import_file(good) == good.read_bytes()
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"  \n")
    with pytest.raises(ImportFileError, match="empty"):
        await read_import_file(empty)
    big = tmp_path / "big.csv"
    big.write_bytes(b"x" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ImportFileError, match="larger than 5 MB"):
        await read_import_file(big)
    with pytest.raises(ImportFileError, match="Cannot read"):
        await read_import_file(tmp_path / "missing.csv")


def test_the_mapping_is_sent_as_header_keys_so_punctuation_cannot_break_it() -> None:
    assert header_key("E-mail 1 - Value") == "email1value"
    spec = mapping_spec({"Name, given": "first_name", "Notes: misc": "ignore"})
    assert spec == "namegiven:first_name,notesmisc:ignore"
    assert mapping_spec({}) == ""
    with pytest.raises(ValueError):
        mapping_spec({"Name": "password"})
    with pytest.raises(ImportFileError):
        mapping_spec({f"column {n}": "notes" for n in range(100)})


def test_answers_are_parsed_leniently() -> None:
    preview = ImportPreview.from_json(
        {
            "encoding": "utf-8",
            "delimiter": ";",
            "columns": [{"header": "Vorname", "field": None}, {"header": "Mail", "field": "email"}],
            "preview": [{"row": 2, "values": {"email": "a@b.org"}}],
            "errors": [{"row": 2, "field": None, "message": "needs a name or an e-mail"}],
            "rows": 1,
        }
    )
    assert preview.columns[0].field is None and preview.rows[0].values == {"email": "a@b.org"}
    assert preview.errors[0].field is None and preview.imported == 0
    assert (
        row_errors({"rows": [{"row": 3, "field": "email", "message": "bad"}, "junk"]})[0].row == 3
    )
    assert row_errors({}) == []
    assert not Consents().get("newsletter").granted
    state = PolicyState.from_json({"current": None, "upcoming": None, "must_accept": True})
    assert state.current is None and state.must_accept
