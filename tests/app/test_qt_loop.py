"""The app's loop takes a burst of datagrams in one pass of Qt's event loop, not one a pass.

All of a meeting's media arrives on one UDP socket; with one datagram read per pass, a busy
machine's slow passes overflowed the socket and video arrived broken.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import Iterator

import pytest
import qasync
from PySide6.QtWidgets import QApplication

from app.qt_loop import MAX_READS_PER_WAKE, DrainingEventLoop

BURST = 50
MAX_PASSES = 500


@pytest.fixture
def udp_pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    """A receiving socket (non-blocking, room for the burst) and a sender aimed at it."""
    receiver = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    receiver.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 20)
    receiver.bind(("127.0.0.1", 0))
    receiver.setblocking(False)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.connect(receiver.getsockname())
    yield receiver, sender
    receiver.close()
    sender.close()


def passes_to_read_a_burst(
    loop_class: type[qasync.QEventLoop],
    qapp: QApplication,
    receiver: socket.socket,
    sender: socket.socket,
) -> int:
    """Qt event-loop passes until a burst sent to `receiver` has been read, one datagram a call."""
    loop = loop_class(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    received: list[bytes] = []

    def read_one() -> None:  # what asyncio's datagram transport does on each readiness
        with contextlib.suppress(BlockingIOError):
            received.append(receiver.recv(2048))

    try:
        loop.add_reader(receiver.fileno(), read_one)
        for n in range(BURST):
            sender.send(n.to_bytes(4, "big") * 300)
        passes = 0
        while len(received) < BURST and passes < MAX_PASSES:
            qapp.processEvents()
            passes += 1
        loop.remove_reader(receiver.fileno())
    finally:
        loop._QEventLoop__is_running = False
        loop.close()
        asyncio.set_event_loop(None)
    assert [int.from_bytes(d[:4], "big") for d in received] == list(range(BURST))
    return passes


def test_a_burst_is_read_in_a_few_passes(
    qapp: QApplication, udp_pair: tuple[socket.socket, socket.socket]
) -> None:
    assert BURST <= MAX_READS_PER_WAKE
    draining = passes_to_read_a_burst(DrainingEventLoop, qapp, *udp_pair)
    plain = passes_to_read_a_burst(qasync.QEventLoop, qapp, *udp_pair)
    assert draining <= 3, (draining, plain)
    # What the app had before: a pass or more for every datagram.
    assert plain >= BURST > draining, (plain, draining)


def test_a_reader_removed_in_its_callback_is_not_called_again(
    qapp: QApplication, udp_pair: tuple[socket.socket, socket.socket]
) -> None:
    receiver, sender = udp_pair
    loop = DrainingEventLoop(qapp, already_running=True)
    asyncio.set_event_loop(loop)
    calls = 0

    def read_once_and_stop() -> None:
        nonlocal calls
        calls += 1
        receiver.recv(2048)
        loop.remove_reader(receiver.fileno())

    try:
        loop.add_reader(receiver.fileno(), read_once_and_stop)
        for _ in range(5):
            sender.send(b"x")
        for _ in range(20):
            qapp.processEvents()
    finally:
        loop._QEventLoop__is_running = False
        loop.close()
        asyncio.set_event_loop(None)
    assert calls == 1
