"""No server child outlives its parent, even when the parent is killed with SIGKILL."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.app.processes import children_running, process_gone, wait_for

REPO = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and /proc")

_HOLDER = textwrap.dedent(
    """
    import asyncio, sys
    from pathlib import Path
    from app.core.bundled_server import BundledServer

    async def main():
        server = BundledServer(Path(sys.argv[1]))
        await server.start()
        print(server.pid, flush=True)
        await asyncio.Event().wait()

    asyncio.run(main())
    """
)


def _spawn(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        args,
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_server_exits_when_its_parent_is_sigkilled(tmp_path: Path) -> None:
    holder = _spawn([sys.executable, "-c", _HOLDER, str(tmp_path / "server")])
    try:
        assert holder.stdout is not None
        line = holder.stdout.readline()
        assert line.strip().isdigit(), holder.stderr.read() if holder.stderr else line
        server_pid = int(line)
        assert not process_gone(server_pid)
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
        assert wait_for(lambda: process_gone(server_pid)), "server outlived its parent"
    finally:
        if holder.poll() is None:
            holder.kill()
        holder.communicate()


def _app_env(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env["PODIUM_DATA_DIR"] = str(tmp_path / "data")
    env["PODIUM_CONFIG_DIR"] = str(tmp_path / "config")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text(json.dumps({"server": "bundled"}))
    return env


def _server_of(app: subprocess.Popen[str]) -> int:
    found: list[int] = []

    def started() -> bool:
        found[:] = children_running(app.pid, "server")
        return bool(found) or app.poll() is not None

    assert wait_for(started, deadline=30), "the app started no server"
    assert found, f"the app exited early: {app.communicate()}"
    return found[0]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_app_killed_with_sigkill_leaves_no_server(tmp_path: Path) -> None:
    app = _spawn([sys.executable, "-m", "app"], _app_env(tmp_path))
    try:
        server_pid = _server_of(app)
        app.send_signal(signal.SIGKILL)
        app.wait(timeout=10)
        assert wait_for(lambda: process_gone(server_pid)), "server outlived the app"
    finally:
        if app.poll() is None:
            app.kill()
        app.communicate()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_app_quitting_stops_its_server(tmp_path: Path) -> None:
    app = _spawn([sys.executable, "-m", "app"], _app_env(tmp_path))
    try:
        server_pid = _server_of(app)
        app.send_signal(signal.SIGTERM)
        _out, err = app.communicate(timeout=30)
        assert app.returncode == 0, err
        assert process_gone(server_pid)
        assert "Traceback" not in err
    finally:
        if app.poll() is None:
            app.kill()
            app.communicate()
