"""A real podium-server process on loopback for tests that need one over HTTP."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

READY = "PODIUM-SERVER-READY "


@contextmanager
def live_server(data_dir: Path, *extra: str) -> Iterator[str]:
    """Start the server on a free port; yield its base URL; stop it by closing its stdin."""
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
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith(READY):
            raise RuntimeError(f"server did not start (exit {process.wait(10)})")
        yield line[len(READY) :].strip()
    finally:
        assert process.stdin is not None
        process.stdin.close()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
