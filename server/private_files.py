"""Files in the data folder are the server's alone: folders 0700, files 0600."""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

log = logging.getLogger(__name__)

DIR_MODE = 0o700
FILE_MODE = 0o600


def private_dir(path: Path) -> None:
    """Make `path` (and missing parents) with the folder itself 0700; tighten it if it is ours."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    _tighten(path, DIR_MODE)


def private_file(path: Path) -> None:
    """Create `path` empty as 0600 unless it exists; an existing one of ours is tightened to 0600.

    SQLite gives a database's -wal and -shm files the database file's mode, so creating the
    database file this way before SQLite opens it keeps those private too.
    """
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    _tighten(path, FILE_MODE)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path`, created 0600 (an existing file is replaced and tightened)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
    _tighten(path, FILE_MODE)


def _tighten(path: Path, mode: int) -> None:
    """Drop group and other bits from a path this user owns; others' files are left as they are."""
    if os.name != "posix":
        return
    info = path.stat()
    if info.st_uid != os.getuid() or not stat.S_IMODE(info.st_mode) & ~mode:
        return
    try:
        path.chmod(stat.S_IMODE(info.st_mode) & mode)
    except OSError as exc:
        log.warning("could not make %s private (%s); run: chmod %o %s", path, exc, mode, path)
