"""What the benchmarks share: a throw-away podium-server process on loopback."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# A throw-away database must not leave its key in the user's keyring.
ENV = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


@contextmanager
def running_server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """A server on a free loopback port with a temporary data directory; stopped on exit."""
    with tempfile.TemporaryDirectory() as tmp:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "--data-dir",
                str(Path(tmp)),
                "--port",
                "0",
                "--exit-with-stdin",
                "--log-level",
                "ERROR",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=ENV,
        )
        try:
            assert process.stdout is not None
            line = process.stdout.readline()
            if not line.startswith("PODIUM-SERVER-READY "):
                raise SystemExit("the server did not start")
            yield process, line.split()[1]
        finally:
            assert process.stdin is not None
            process.stdin.close()
            process.wait(timeout=30)
