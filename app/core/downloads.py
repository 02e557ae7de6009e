"""Saving a streamed download to disk: a `.part` file renamed into place, with progress calls."""

from __future__ import annotations

import asyncio
import contextlib
import os
from collections.abc import AsyncIterable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")

# progress(bytes received so far, total bytes or None when the server did not say).
Progress = Callable[[int, int | None], None]


class SaveError(Exception):
    """The download could not be written to the chosen file."""


@dataclass(frozen=True)
class Download:
    """A finished download: where it is and how many bytes it holds."""

    path: Path
    size: int


def part_path(dest: Path) -> Path:
    """The temporary file a download is written to before it takes the final name."""
    return dest.with_name(f"{dest.name}.part")


async def save_stream(
    chunks: AsyncIterable[bytes],
    dest: Path,
    total: int | None = None,
    progress: Progress | None = None,
) -> Download:
    """Write every chunk to dest; a failed or cancelled download leaves no file behind.

    Every file operation (open, write, fsync, rename) runs on one thread of this download's own,
    in order, so the event loop (the Qt loop in the app) never waits on the disk, and the clean-up
    of a cancelled download runs after its last write. Progress is reported on the loop.
    """
    dest = Path(dest)
    part = part_path(dest)
    loop = asyncio.get_running_loop()
    disk = ThreadPoolExecutor(max_workers=1, thread_name_prefix="podium-save")

    async def write(work: Callable[..., T], *args: Any) -> T:
        try:
            return await loop.run_in_executor(disk, work, *args)
        except OSError as exc:
            raise SaveError(f"Cannot write {dest}: {exc.strerror or exc}") from exc

    handle: BinaryIO | None = None
    received = 0
    if progress is not None:
        progress(0, total)
    try:
        handle = await write(_open, part)
        async for chunk in chunks:
            await write(handle.write, chunk)
            received += len(chunk)
            if progress is not None:
                progress(received, total)
        await write(_finish, handle)
        try:
            await loop.run_in_executor(disk, os.replace, part, dest)
        except OSError as exc:
            raise SaveError(f"Cannot save {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        # Shielded: a second cancellation must not leave the .part file behind.
        await asyncio.shield(loop.run_in_executor(disk, _discard, handle, part))
        raise
    finally:
        disk.shutdown(wait=False)
    return Download(path=dest, size=received)


def _open(part: Path) -> BinaryIO:
    return part.open("wb")


def _finish(handle: BinaryIO) -> None:
    """Make the bytes durable before the file takes its final name."""
    with handle:
        handle.flush()
        os.fsync(handle.fileno())


def _discard(handle: BinaryIO | None, part: Path) -> None:
    if handle is not None:
        with contextlib.suppress(OSError):
            handle.close()
    with contextlib.suppress(OSError):
        part.unlink(missing_ok=True)
