"""Run the bundled Podium server as a child process and stop it again.

By default it listens on loopback only. Shared on the network (`NetworkListen`), it listens on
every IPv4 address with TLS (its self-signed certificate, made once in its data folder), on the
port kept for it, with public_url set so links name an address others can use, and with
registration closed to everyone but this machine's own user.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding

from protocol.pins import pin_of_certificate

READY_PREFIX = "PODIUM-SERVER-READY "
DEFAULT_START_TIMEOUT = 30.0
DEFAULT_STOP_TIMEOUT = 5.0
_STDERR_TAIL_LINES = 20


class BundledServerError(Exception):
    """The bundled server could not start; `stderr_tail` holds its last words."""

    def __init__(self, message: str, stderr_tail: str = "") -> None:
        full = f"{message}\n{stderr_tail}" if stderr_tail else message
        super().__init__(full)
        self.message = message
        self.stderr_tail = stderr_tail


@dataclass(frozen=True)
class NetworkListen:
    """Serve others: every IPv4 address on `port`; links name `public_url` (None: loopback only)."""

    port: int
    public_url: str | None


def server_command(
    data_dir: Path, python: str | None = None, network: NetworkListen | None = None
) -> list[str]:
    """The child's argv; by module name because the app never imports the server."""
    command = [python or sys.executable, "-m", "server", "--data-dir", str(data_dir)]
    if network is None:
        command += ["--host", "127.0.0.1", "--port", "0"]
    else:
        # Off loopback the server always serves TLS; only this machine may register.
        command += ["--host", "0.0.0.0", "--port", str(network.port), "--registration", "local"]
        if network.public_url:
            command += ["--public-url", network.public_url]
    return [*command, "--exit-with-stdin"]


def certificate_pin_in(data_dir: Path) -> str | None:
    """The pin of the self-signed certificate the server made in its data folder, if any."""
    try:
        pem = (Path(data_dir) / "tls" / "cert.pem").read_bytes()
    except FileNotFoundError:
        return None
    return pin_of_certificate(x509.load_pem_x509_certificate(pem).public_bytes(Encoding.DER))


def local_url(announced: str) -> str:
    """The URL this machine uses to reach a server that announced a wildcard address."""
    parts = urlsplit(announced)
    if parts.hostname in ("0.0.0.0", "::"):
        return f"{parts.scheme}://127.0.0.1:{parts.port}"
    return announced


class BundledServer:
    """One server child; it exits on its own when our end of its stdin closes, even on SIGKILL."""

    def __init__(
        self,
        data_dir: Path,
        *,
        python: str | None = None,
        start_timeout: float = DEFAULT_START_TIMEOUT,
        env: dict[str, str] | None = None,
        cwd: Path | None = None,
        network: NetworkListen | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.network = network
        self.pin: str | None = None  # the certificate's pin once started with TLS
        self._python = python
        self._start_timeout = start_timeout
        self._env = env
        self._cwd = cwd
        self._process: asyncio.subprocess.Process | None = None
        self._base_url: str | None = None
        self._ready: asyncio.Future[str] | None = None
        self._drains: list[asyncio.Task[None]] = []
        self._stderr_tail: deque[str] = deque(maxlen=_STDERR_TAIL_LINES)
        # One start at a time: a second caller while the child starts would otherwise stop it
        # and start another, and two servers would migrate one database at once.
        self._starting = asyncio.Lock()

    @property
    def base_url(self) -> str | None:
        """Where this machine reaches it (http://127.0.0.1:PORT, https:// when shared)."""
        return self._base_url

    @property
    def pid(self) -> int | None:
        """The child's process id while it exists."""
        return self._process.pid if self._process else None

    @property
    def running(self) -> bool:
        """True while the child is alive and has announced its address."""
        return (
            self._process is not None
            and self._process.returncode is None
            and self._base_url is not None
        )

    @property
    def stderr_tail(self) -> str:
        """The child's last stderr lines, for error messages."""
        return "\n".join(self._stderr_tail)

    async def start(self) -> str:
        """Start the child and return its base URL once it prints the ready line."""
        async with self._starting:
            return await self._start()

    async def _start(self) -> str:
        if self.running:
            assert self._base_url is not None
            return self._base_url
        await self.stop()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self._stderr_tail.clear()
        self._ready = asyncio.get_running_loop().create_future()
        try:
            self._process = await asyncio.create_subprocess_exec(
                *server_command(self.data_dir, self._python, self.network),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                env=self._env,
                cwd=self._cwd,
                # Own session: a Ctrl+C in the terminal reaches only the app, which then stops
                # the server in order instead of both dying at once.
                start_new_session=os.name == "posix",
            )
        except OSError as exc:
            raise BundledServerError(f"Could not run the Podium server: {exc}") from exc
        self._drains = [
            asyncio.create_task(
                self._drain_stdout(self._process.stdout, self._ready), name="podium-server-stdout"
            ),
            asyncio.create_task(
                self._drain_stderr(self._process.stderr), name="podium-server-stderr"
            ),
        ]
        try:
            self._base_url = local_url(await self._await_ready(self._process, self._ready))
            if self._base_url.startswith("https://"):
                self.pin = certificate_pin_in(self.data_dir)
        except BaseException:
            # Also on cancellation (the app quitting mid-start): never leave the child behind.
            await self.stop()
            raise
        return self._base_url

    async def stop(self, grace: float = DEFAULT_STOP_TIMEOUT) -> int | None:
        """Close its stdin, wait for the child to exit, kill it after `grace` s; return its code."""
        process, self._process = self._process, None
        self._base_url = None
        self.pin = None
        code: int | None = None
        if process is not None:
            if process.stdin is not None:
                process.stdin.close()
            try:
                code = await asyncio.wait_for(process.wait(), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                code = await process.wait()
        drains, self._drains = self._drains, []
        # The pipes reach EOF once the child is gone, so the drains normally end on their own.
        if drains:
            _, pending = await asyncio.wait(drains, timeout=grace)
            for task in pending:
                task.cancel()
        if self._ready is not None and not self._ready.done():
            self._ready.cancel()
        return code

    async def wait(self) -> int:
        """Wait until the child exits and return its exit code."""
        if self._process is None:
            raise RuntimeError("The bundled server is not running")
        return await self._process.wait()

    @staticmethod
    async def _drain_stdout(
        stream: asyncio.StreamReader | None, ready: asyncio.Future[str]
    ) -> None:
        assert stream is not None
        while line := await stream.readline():
            text = line.decode("utf-8", "replace").strip()
            if text.startswith(READY_PREFIX) and not ready.done():
                ready.set_result(text[len(READY_PREFIX) :].strip().rstrip("/"))

    async def _drain_stderr(self, stream: asyncio.StreamReader | None) -> None:
        assert stream is not None
        while line := await stream.readline():
            self._stderr_tail.append(line.decode("utf-8", "replace").rstrip())

    async def _await_ready(
        self, process: asyncio.subprocess.Process, ready: asyncio.Future[str]
    ) -> str:
        exited = asyncio.create_task(process.wait())
        waiters: set[asyncio.Future[Any]] = {ready, exited}
        try:
            done, _ = await asyncio.wait(
                waiters, timeout=self._start_timeout, return_when=asyncio.FIRST_COMPLETED
            )
        finally:
            exited.cancel()
        if ready in done:
            return ready.result()
        if exited in done:
            # Let the stderr drain reach EOF so the message carries the child's last words.
            await asyncio.wait(self._drains, timeout=DEFAULT_STOP_TIMEOUT)
            raise BundledServerError(
                f"The Podium server stopped during start-up (exit code {process.returncode}).",
                self.stderr_tail,
            )
        raise BundledServerError(
            f"The Podium server did not start within {self._start_timeout:g} seconds.",
            self.stderr_tail,
        )
