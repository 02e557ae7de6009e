"""Media test fixtures: a real X server (Xvfb), audio scenarios in a child, no stray threads."""

from __future__ import annotations

import asyncio
import json
import os
import select
import shutil
import socket
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[4]

# ALSA set-ups for the audio children. The default PCM must exist in some form: with none at all
# libasound aborts inside Pa_Initialize. Card 99 never exists, so "default" simply fails to open.
ALSA_NO_DEVICE = "pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n"
# A null device records silence and swallows sound, as fast as it is asked (it keeps no time).
ALSA_NULL = "pcm.!default { type null }\n"
# A microphone fed from a FIFO: it delivers exactly what the test writes, when it writes it.
ALSA_FIFO = """pcm.!default {{
    type file
    slave.pcm "podium_null"
    file "/dev/null"
    infile "{fifo}"
    format "raw"
}}
pcm.podium_null {{ type null }}
"""


@pytest.fixture(autouse=True)
def _no_stray_threads() -> Iterator[None]:
    """Every capture or closing thread a test starts has ended when it finishes."""
    yield
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        left = [t.name for t in threading.enumerate() if t.name.startswith("podium-")]
        if not left:
            return
        time.sleep(0.02)
    pytest.fail(f"threads left running: {left}")


async def eventually(check: Callable[[], bool], within: float = 10.0) -> None:
    """Wait until check() is true, failing the test after `within` seconds."""
    deadline = time.monotonic() + within
    while not check():
        assert time.monotonic() < deadline, "condition not met in time"
        await asyncio.sleep(0.01)


ProbeRunner = Callable[..., dict[str, Any]]


@pytest.fixture
def run_probe(tmp_path: Path) -> ProbeRunner:
    """Runs an audio_probe scenario in a child with the given ALSA configuration."""

    def run(scenario: str, alsa_config: str, *args: str, hide_portaudio: bool = False) -> Any:
        config = tmp_path / f"asound-{scenario}.conf"
        config.write_text(alsa_config)
        env = dict(os.environ, ALSA_CONFIG_PATH=str(config), JACK_NO_START_SERVER="1")
        env["PYTHONPATH"] = str(ROOT)
        if hide_portaudio:
            # Stands in for a machine without libportaudio: the real sounddevice raises exactly
            # this at import then, and no other way hides an installed library from one process.
            fake = tmp_path / "no-portaudio"
            fake.mkdir(exist_ok=True)
            (fake / "sounddevice.py").write_text("raise OSError('PortAudio library not found')\n")
            env["PYTHONPATH"] = os.pathsep.join([str(fake), str(ROOT)])
        done = subprocess.run(
            [sys.executable, "-m", "tests.app.core.media.audio_probe", scenario, *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout.strip().splitlines()[-1])

    return run


XvfbStarter = Callable[[int, int], str]


def _wait_until_accepting(path: Path, timeout: float = 15.0) -> None:
    """Wait until the X server completes a client handshake (it announces itself a bit early)."""
    # A little-endian X11 connection setup, protocol 11.0, no authorisation.
    setup = b"l\0" + struct.pack("<HHHH", 11, 0, 0, 0) + b"\0\0"
    deadline = time.monotonic() + timeout
    while True:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as client:
            client.settimeout(2)
            try:
                client.connect(str(path))
                client.sendall(setup)
                if client.recv(1) == b"\x01":  # 1: Success
                    return
            except OSError:
                pass
        assert time.monotonic() < deadline, "Xvfb never accepted a client"
        time.sleep(0.05)


@pytest.fixture
def xvfb(monkeypatch: pytest.MonkeyPatch) -> Iterator[XvfbStarter]:
    """Starts a real X server with one screen of the given size and points DISPLAY at it."""
    binary = shutil.which("Xvfb")
    if binary is None:
        pytest.skip("Xvfb is not installed (apt-get install xvfb; `make install` does it)")
    servers: list[subprocess.Popen[bytes]] = []
    pipes: list[int] = []

    def start(width: int = 1280, height: int = 720) -> str:
        read_end, write_end = os.pipe()
        # -displayfd: the server picks a free display number and writes it once it listens,
        # so parallel runs never race for a number and there is nothing to poll.
        command = [binary, "-displayfd", str(write_end), "-nolisten", "tcp", "-noreset"]
        command += ["-screen", "0", f"{width}x{height}x24"]
        try:
            server = subprocess.Popen(
                command,
                pass_fds=(write_end,),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            servers.append(server)
        finally:
            os.close(write_end)
        # The read end stays open while the server runs: it writes its number again after any
        # reset, and dies if nobody can receive it.
        pipes.append(read_end)
        ready, _, _ = select.select([read_end], [], [], 15)
        number = os.read(read_end, 16).decode().strip() if ready else ""
        assert number.isdigit(), "Xvfb did not start"
        socket_path = Path(f"/tmp/.X11-unix/X{number}")
        assert socket_path.exists()
        _wait_until_accepting(socket_path)
        monkeypatch.setenv("DISPLAY", f":{number}")
        monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
        return f":{number}"

    yield start
    for server in servers:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    for pipe in pipes:
        os.close(pipe)
