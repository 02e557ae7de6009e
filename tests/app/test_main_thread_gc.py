"""Garbage with Qt objects in it is freed on the Qt thread, never by a worker's allocations."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QObject
from pytestqt.qtbot import QtBot

from app.main_thread_gc import MainThreadCollector


class CycleWithQtObject:
    """A reference cycle (only the collector frees it) that owns a QObject with a timer."""

    def __init__(self, freed_in: list[int]) -> None:
        self.myself = self
        self.owner = QObject()
        self.owner.startTimer(60_000)
        self.freed_in = freed_in

    def __del__(self) -> None:
        self.freed_in.append(threading.get_ident())


def allocate_in_a_worker() -> None:
    """What a codec thread does all the time: allocate containers (past every gc threshold)."""

    def churn() -> None:
        junk = [[n] for n in range(50_000)]
        del junk

    worker = threading.Thread(target=churn)
    worker.start()
    worker.join(30)


@pytest.fixture
def collector(qtbot: QtBot) -> Iterator[MainThreadCollector]:
    started = MainThreadCollector()
    started.start()
    yield started
    started.stop()


def test_a_cycle_is_freed_on_the_qt_thread(qtbot: QtBot, collector: MainThreadCollector) -> None:
    assert not gc.isenabled()
    freed_in: list[int] = []
    CycleWithQtObject(freed_in)
    allocate_in_a_worker()
    assert freed_in == []  # the worker's allocations collected nothing
    qtbot.waitUntil(lambda: freed_in != [], timeout=10_000)
    assert freed_in == [threading.get_ident()]


def test_stop_gives_collection_back(qtbot: QtBot) -> None:
    was = gc.isenabled()
    collector = MainThreadCollector()
    collector.start()
    collector.stop()
    assert gc.isenabled() == was
