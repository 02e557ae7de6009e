"""Two real `podium` processes on one config folder: the second hands its invite to the first."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
WAIT_S = 60.0
CODE = "abcd-efgh-jkmn"


class Requests:
    """Paths a stand-in server was asked for, to wait on from the test."""

    def __init__(self) -> None:
        self._paths: list[str] = []
        self._changed = threading.Condition()

    def add(self, path: str) -> None:
        with self._changed:
            self._paths.append(path)
            self._changed.notify_all()

    def wait_for(self, path: str) -> None:
        deadline = time.monotonic() + WAIT_S
        with self._changed:
            while path not in self._paths:
                left = deadline - time.monotonic()
                assert left > 0, f"{path} was never asked for; got {self._paths}"
                self._changed.wait(left)

    def count(self, path: str) -> int:
        with self._changed:
            return self._paths.count(path)


@pytest.fixture
def server() -> Iterator[tuple[str, Requests]]:
    """A stand-in for a Podium server: /health is ok, everything else is 404 (nobody logged in).

    The app only needs to reach it: that it asks for a server's health is how the test sees
    which server each app process is connecting to.
    """
    seen = Requests()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.add(self.path)
            ok = self.path.endswith("/api/v1/health")
            body = json.dumps(
                {"status": "ok"} if ok else {"error": {"code": "not_found", "message": "no"}}
            ).encode()
            self.send_response(200 if ok else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", seen
    finally:
        httpd.shutdown()
        httpd.server_close()


def podium(tmp_path: Path, *args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "app",
            "--config-dir",
            str(tmp_path / "config"),
            "--data-dir",
            str(tmp_path / "data"),
            *args,
        ],
        cwd=REPO,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        _out, err = process.communicate(timeout=WAIT_S)
    except subprocess.TimeoutExpired:
        process.kill()
        _out, err = process.communicate()
    return process.returncode, err


def test_a_second_launch_hands_its_invite_to_the_running_app(
    tmp_path: Path, server: tuple[str, Requests]
) -> None:
    url, seen = server
    first = podium(tmp_path, "--server", url)
    try:
        seen.wait_for("/api/v1/health")  # the first app is up (it listens before connecting)
        plain = podium(tmp_path)  # no link: the open window just comes to the front
        _out, err = plain.communicate(timeout=WAIT_S)
        assert plain.returncode == 0 and "handed over" in err, err
        link = f"podium://join?server={url}/invited&code={CODE}"
        second = podium(tmp_path, link)
        _out, err = second.communicate(timeout=WAIT_S)
        assert second.returncode == 0, err
        assert "handed over" in err
        # The running app took the link: it now connects to the invite's server.
        seen.wait_for("/invited/api/v1/health")
        assert first.poll() is None
    finally:
        code, err = stop(first)
    assert code == 0, err
    assert "Traceback" not in err


def test_a_launch_after_a_crash_opens_its_own_window(
    tmp_path: Path, server: tuple[str, Requests]
) -> None:
    url, seen = server
    crashed = podium(tmp_path, "--server", url)
    seen.wait_for("/api/v1/health")
    crashed.kill()  # leaves its local socket behind, with nobody listening
    crashed.communicate(timeout=WAIT_S)
    later = podium(tmp_path, "--server", f"{url}/later")
    try:
        seen.wait_for("/later/api/v1/health")
        assert later.poll() is None
    finally:
        code, err = stop(later)
    assert code == 0, err
