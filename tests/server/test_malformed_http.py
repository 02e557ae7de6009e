"""HTTP that cannot be parsed is the client's fault: a 400, and no traceback in the server log."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.server.live_server import live_server

MALFORMED = [
    b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n\r\n",
    b"GET /api/v1/health HTTP/1.1\r\nHo\x01st: x\r\n\r\n",
    b"GET /api/v1/\x00health HTTP/1.1\r\nHost: x\r\n\r\n",
]


def _status_of(host: str, port: int, raw: bytes) -> int:
    with socket.create_connection((host, port), timeout=15) as conn:
        conn.sendall(raw)
        status_line = conn.makefile("rb").readline().decode("latin-1")
    return int(status_line.split()[1])


@pytest.mark.parametrize("raw", MALFORMED)
def test_malformed_request_is_a_400_without_traceback(tmp_path: Path, raw: bytes) -> None:
    log = tmp_path / "server.log"
    with live_server(tmp_path / "data", "--log-level", "INFO", log_path=log) as url:
        where = urlsplit(url)
        assert where.hostname is not None and where.port is not None
        assert _status_of(where.hostname, where.port, raw) == 400
        # The server still answers well-formed requests on a new connection.
        ok = b"GET /api/v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        assert _status_of(where.hostname, where.port, ok) == 200
    text = log.read_text()
    assert "Traceback" not in text and " ERROR " not in text, text
    assert "answered 400" in text
