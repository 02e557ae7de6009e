"""Helpers for tests that check which processes still exist."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

DEADLINE_SECONDS = 15.0


def process_gone(pid: int) -> bool:
    """True when the process no longer runs (a zombie waiting to be reaped counts as gone)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    stat = Path(f"/proc/{pid}/stat")
    if sys.platform.startswith("linux") and stat.exists():
        try:
            # Field 3 is the state; the command name before it is in parentheses.
            return stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X")
        except (OSError, IndexError):
            return True
    return False


def wait_for(condition: Callable[[], bool], deadline: float = DEADLINE_SECONDS) -> bool:
    """Poll a condition until it holds or the deadline passes (for other processes only)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


def children_running(parent_pid: int, marker: str) -> list[int]:
    """Pids of live child processes of parent_pid whose command line contains marker (Linux)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == parent_pid and marker in cmdline and fields[0] not in ("Z", "X"):
            found.append(int(entry.name))
    return found
