"""The bundled server child: start, ready line, health, stop, and clear start-up failures."""

from __future__ import annotations

import asyncio
import textwrap
from pathlib import Path

import pytest

from app.core.api import ApiClient
from app.core.bundled_server import BundledServer, BundledServerError, server_command
from tests.app.processes import process_gone


def _fake_server(tmp_path: Path, body: str) -> Path:
    """A folder whose `server` package shadows the real one for `python -m server`."""
    package = tmp_path / "fake" / "server"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(textwrap.dedent(body))
    return package.parent


def test_command_runs_the_server_module_on_loopback(tmp_path: Path) -> None:
    command = server_command(tmp_path, python="py")
    assert command[:3] == ["py", "-m", "server"]
    assert command[command.index("--host") + 1] == "127.0.0.1"
    assert command[command.index("--port") + 1] == "0"
    assert "--exit-with-stdin" in command


async def test_starts_answers_health_and_stops(bundled_server: BundledServer) -> None:
    assert bundled_server.running
    assert bundled_server.base_url is not None
    assert bundled_server.base_url.startswith("http://127.0.0.1:")
    async with ApiClient(bundled_server.base_url) as api:
        assert await api.health() == {"status": "ok"}
    pid = bundled_server.pid
    assert pid is not None
    assert await bundled_server.stop() == 0
    assert not bundled_server.running
    assert process_gone(pid)


async def test_start_again_reuses_the_running_child(bundled_server: BundledServer) -> None:
    url, pid = bundled_server.base_url, bundled_server.pid
    assert await bundled_server.start() == url
    assert bundled_server.pid == pid


async def test_child_dying_at_start_reports_its_stderr(tmp_path: Path) -> None:
    cwd = _fake_server(
        tmp_path,
        """
        import sys
        print("podium-server: the database key is wrong", file=sys.stderr)
        sys.exit(2)
        """,
    )
    server = BundledServer(tmp_path / "data", cwd=cwd)
    with pytest.raises(BundledServerError) as caught:
        await server.start()
    assert "exit code 2" in caught.value.message
    assert "the database key is wrong" in caught.value.stderr_tail
    assert "the database key is wrong" in str(caught.value)
    assert not server.running


async def test_no_ready_line_times_out_and_leaves_no_child(tmp_path: Path) -> None:
    cwd = _fake_server(
        tmp_path,
        """
        import sys, time
        print("migrating...", file=sys.stderr, flush=True)
        time.sleep(60)
        """,
    )
    server = BundledServer(tmp_path / "data", cwd=cwd, start_timeout=1.0)
    with pytest.raises(BundledServerError) as caught:
        await server.start()
    assert "did not start within 1 seconds" in caught.value.message
    assert "migrating..." in caught.value.stderr_tail
    assert server.pid is None


async def test_stop_kills_a_child_that_ignores_eof(tmp_path: Path) -> None:
    cwd = _fake_server(
        tmp_path,
        """
        import signal, time
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        print("PODIUM-SERVER-READY http://127.0.0.1:1", flush=True)
        time.sleep(60)
        """,
    )
    server = BundledServer(tmp_path / "data", cwd=cwd)
    assert await server.start() == "http://127.0.0.1:1"
    pid = server.pid
    assert pid is not None
    code = await server.stop(grace=0.5)
    assert code is not None and code != 0
    assert process_gone(pid)


async def test_two_starts_at_once_make_one_child(tmp_path: Path) -> None:
    # A second start while the first waits for the ready line must not stop that child and
    # start another: two servers would migrate the one database at the same time.
    server = BundledServer(tmp_path / "data")
    try:
        first, second = await asyncio.gather(server.start(), server.start())
        assert first == second
        async with ApiClient(first) as api:
            assert await api.health() == {"status": "ok"}
    finally:
        await server.stop()
