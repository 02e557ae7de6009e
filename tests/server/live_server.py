"""A real podium-server process on loopback for tests that need one over HTTP."""

from __future__ import annotations

import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

READY = "PODIUM-SERVER-READY "
LOG_TAIL_LINES = 60


@contextmanager
def live_server(data_dir: Path, *extra: str, log_path: Path | None = None) -> Iterator[str]:
    """Start the server on a free port; yield its base URL; stop it by closing its stdin.

    Its stderr (log and any traceback) goes to a file (`log_path`, for tests that read it, or
    a temporary one); the tail is printed when the server stops, so pytest shows it with a
    failing test, and is attached to an error raised inside.
    """
    with _log_file(log_path) as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "--data-dir",
                str(data_dir),
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--exit-with-stdin",
                "--log-level",
                "WARNING",
                *extra,
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line.startswith(READY):
                raise RuntimeError(f"server did not start (exit {process.wait(10)})")
            yield line[len(READY) :].strip()
        except BaseException as exc:
            _stop(process)
            exc.add_note(_tail(log))
            raise
        finally:
            _stop(process)
            tail = _tail(log)
            if tail:
                print(tail, file=sys.stderr)


@contextmanager
def _log_file(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        with tempfile.TemporaryFile(mode="w+", prefix="podium-server-", suffix=".log") as log:
            yield log
    else:
        with path.open("w+", encoding="utf-8") as log:
            yield log


def _stop(process: subprocess.Popen[str]) -> None:
    if process.returncode is not None:
        return
    assert process.stdin is not None
    process.stdin.close()
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _tail(log: IO[str]) -> str:
    """The last lines the server wrote to its stderr, headed so they are found in a report."""
    log.seek(0)
    lines = log.read().splitlines()[-LOG_TAIL_LINES:]
    if not lines:
        return ""
    return "--- podium-server stderr (last lines) ---\n" + "\n".join(lines)
