"""A real nginx (Debian's) as a TLS-terminating reverse proxy in front of a test server."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

NGINX_CANDIDATES = ("/usr/sbin/nginx",)
START_SECONDS = 20.0

# What docs/operations.md ("Behind a reverse proxy") shows, with the paths and ports filled in.
SITE = """\
map $http_upgrade $connection_upgrade {{
    default upgrade;
    ''      close;
}}

server {{
    listen {listen} ssl;
    ssl_certificate     {cert};
    ssl_certificate_key {key};
    server_tokens off;
    client_max_body_size 2m;

    location / {{
        proxy_pass http://{upstream};
        proxy_http_version 1.1;
        proxy_set_header Upgrade $http_upgrade;
        proxy_set_header Connection $connection_upgrade;
        proxy_set_header Host $http_host;
        proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto $scheme;
        proxy_set_header X-Forwarded-Host $http_host;
        proxy_set_header Forwarded "";
        proxy_read_timeout 120s;
    }}
}}
"""

# Everything nginx writes stays in the test's directory; nothing of the system's is touched.
MAIN = """\
{user}worker_processes 1;
error_log {dir}/error.log warn;
events {{
    worker_connections 64;
}}
http {{
    access_log {dir}/access.log;
    client_body_temp_path {dir}/client_body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
{site}
}}
"""


def nginx_binary() -> str:
    """The nginx program, or the test is skipped saying why."""
    for candidate in (*NGINX_CANDIDATES, shutil.which("nginx")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    pytest.skip("nginx is not installed (Debian: apt-get install nginx-light; make test-deps)")


def free_port() -> int:
    """A loopback TCP port free right now, for a program that cannot report the one it took."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _config(directory: Path, port: int, upstream: str, cert: Path, key: Path) -> Path:
    site = SITE.format(listen=f"127.0.0.1:{port}", cert=cert, key=key, upstream=upstream)
    # As root, nginx's workers would otherwise run as nobody, who cannot enter pytest's
    # private temporary directory.
    user = "user root root;\n" if os.geteuid() == 0 else ""
    path = directory / "nginx.conf"
    path.write_text(MAIN.format(user=user, dir=directory, site=site), encoding="utf-8")
    return path


@contextmanager
def nginx_proxy(
    directory: Path, port: int, upstream: str, cert: Path, key: Path
) -> Iterator[subprocess.Popen[bytes]]:
    """Run nginx on 127.0.0.1:`port` proxying to `upstream` (host:port) until the block ends."""
    binary = nginx_binary()
    directory.mkdir(parents=True, exist_ok=True)
    conf = _config(directory, port, upstream, cert, key)
    stderr = (directory / "stderr.log").open("wb")
    process = subprocess.Popen(
        [
            binary,
            "-p",
            str(directory),
            "-e",  # the log for start-up, before the config names its own; not /var/log/nginx
            str(directory / "error.log"),
            "-c",
            str(conf),
            "-g",
            f"daemon off; pid {directory}/nginx.pid;",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
    )
    try:
        _wait_listening(process, port, directory)
        yield process
    finally:
        _stop(process)
        stderr.close()


def _wait_listening(process: subprocess.Popen[bytes], port: int, directory: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"nginx exited ({process.returncode}): {_errors(directory)}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            time.sleep(0.05)  # polling for a port with a bound, not waiting for time to pass
    raise RuntimeError(f"nginx did not listen within {START_SECONDS} s: {_errors(directory)}")


def _errors(directory: Path) -> str:
    logs = (directory / "error.log", directory / "stderr.log")
    text = "".join(log.read_text("utf-8", "replace") for log in logs if log.exists())
    return text[-4000:]


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # fast shutdown; its workers go with it
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
