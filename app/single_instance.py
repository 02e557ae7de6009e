"""One app per config folder: a second launch hands its invite link to the first and exits."""

from __future__ import annotations

import getpass
import hashlib
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

# A link is at most app/core/invite_link.MAX_LINK_LENGTH characters; one line, UTF-8.
MAX_MESSAGE = 8192
CONNECT_MS = 1000
WRITE_MS = 3000


def instance_name(config_dir: Path) -> str:
    """The local socket's name: one per user and config folder, short enough for any OS."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no user name known (e.g. a container without passwd entry)
        user = ""
    key = f"{user}\0{Path(config_dir).expanduser().resolve()}"
    return "podium-" + hashlib.sha256(key.encode()).hexdigest()[:24]


def hand_over(name: str, message: str) -> bool:
    """Give message (an invite link, or "" to just show the window) to a running app."""
    socket = QLocalSocket()
    socket.connectToServer(name)
    if not socket.waitForConnected(CONNECT_MS):
        return False
    socket.write((message.replace("\n", " ") + "\n").encode("utf-8"))
    sent = socket.waitForBytesWritten(WRITE_MS)
    socket.disconnectFromServer()
    if socket.state() != QLocalSocket.LocalSocketState.UnconnectedState:
        socket.waitForDisconnected(WRITE_MS)
    return sent


class SingleInstance(QObject):
    """Listens for later launches; `received` carries each one's message."""

    received = Signal(str)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = name
        self._server = QLocalServer(self)
        self._server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        self._server.newConnection.connect(self._accept)
        self._buffers: dict[QLocalSocket, bytearray] = {}

    def listen(self) -> bool:
        """Start listening; a socket left behind by a crashed app is removed first."""
        if self._server.listen(self.name):
            return True
        # Only reached when no app answered hand_over: the name is a stale leftover.
        QLocalServer.removeServer(self.name)
        return self._server.listen(self.name)

    def close(self) -> None:
        """Stop listening (the app is quitting)."""
        self._server.close()

    def _accept(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            self._buffers[socket] = bytearray()
            socket.readyRead.connect(lambda s=socket: self._read(s))
            socket.disconnected.connect(lambda s=socket: self._done(s))

    def _read(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.get(socket)
        if buffer is None:
            return
        buffer.extend(bytes(socket.readAll().data()))
        if len(buffer) > MAX_MESSAGE:
            self._buffers.pop(socket, None)
            socket.abort()
            return
        if b"\n" in buffer:
            line = bytes(buffer).split(b"\n", 1)[0]
            self._buffers.pop(socket, None)
            socket.disconnectFromServer()
            self.received.emit(line.decode("utf-8", errors="replace").strip())

    def _done(self, socket: QLocalSocket) -> None:
        buffer = self._buffers.pop(socket, None)
        if buffer is not None:
            buffer.extend(bytes(socket.readAll().data()))
        if buffer is not None and buffer.strip() and len(buffer) <= MAX_MESSAGE:
            self.received.emit(bytes(buffer).decode("utf-8", errors="replace").strip())
        socket.deleteLater()
