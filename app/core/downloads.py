"""Saving a streamed download to disk: a `.part` file renamed into place, with progress calls."""

from __future__ import annotations

import contextlib
import os
from collections.abc import AsyncIterable, Callable
from dataclasses import dataclass
from pathlib import Path

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
    """Write every chunk to dest; a failed or cancelled download leaves no file behind."""
    dest = Path(dest)
    part = part_path(dest)
    received = 0
    if progress is not None:
        progress(0, total)
    try:
        try:
            handle = part.open("wb")
        except OSError as exc:
            raise SaveError(f"Cannot write {dest}: {exc.strerror or exc}") from exc
        with handle:
            async for chunk in chunks:
                try:
                    handle.write(chunk)
                except OSError as exc:
                    raise SaveError(f"Cannot write {dest}: {exc.strerror or exc}") from exc
                received += len(chunk)
                if progress is not None:
                    progress(received, total)
            try:
                handle.flush()
                os.fsync(handle.fileno())
            except OSError as exc:
                raise SaveError(f"Cannot write {dest}: {exc.strerror or exc}") from exc
        try:
            os.replace(part, dest)
        except OSError as exc:
            raise SaveError(f"Cannot save {dest}: {exc.strerror or exc}") from exc
    except BaseException:
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        raise
    return Download(path=dest, size=received)
