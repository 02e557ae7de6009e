"""The Qt binding must not corrupt reference counts on the timer calls qasync makes.

PySide6-Essentials 6.12.0 drops a reference to None on every `QObject.killTimer`, so a running
meeting (qasync kills a timer for each scheduled callback) aborted Python with `none_dealloc`
seconds after remote video arrived. The loop runs in a child so a broken binding fails this test
instead of killing the test run.
"""

from __future__ import annotations

import subprocess
import sys

ROUNDS = 20_000

_PROGRAM = f"""
import sys
from PySide6.QtCore import QCoreApplication, QObject
app = QCoreApplication([])
timer_owner = QObject()
# The first rounds release a few one-off references (caches filling); measure after them.
for _ in range(2000):
    timer_owner.killTimer(timer_owner.startTimer(1000))
before = sys.getrefcount(None)
for _ in range({ROUNDS}):
    timer_owner.killTimer(timer_owner.startTimer(1000))
print(before, sys.getrefcount(None))
"""


def test_start_and_kill_timer_keep_none_alive() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROGRAM],
        capture_output=True,
        text=True,
        timeout=120,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = (int(n) for n in done.stdout.split())
    # A binding that drops one reference per killTimer loses ROUNDS references here.
    assert after >= before - 100, (before, after)
