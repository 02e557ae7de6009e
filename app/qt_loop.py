"""The asyncio loop inside Qt's, reading a socket dry on each wake-up.

qasync turns every readiness of a socket into one callback on a zero-timer, and asyncio's
datagram transport reads one datagram per callback. All of a meeting's media arrives bundled on
one UDP socket, so the app read one packet per pass of the Qt event loop: on a busy machine, where
passes are slow, the kernel buffer overflowed, video arrived broken and a screen share's keyframe
never came through whole. Here a ready reader is called again while its socket still has data,
up to a bound, so one pass takes a burst.
"""

from __future__ import annotations

import select
from collections.abc import Callable
from typing import Any

import qasync

# Enough for a keyframe's burst; bounded so one busy socket cannot starve the rest of the app.
MAX_READS_PER_WAKE = 64

FileDescriptor = Any  # an int or an object with fileno(), as asyncio passes them


def still_readable(fd: FileDescriptor) -> bool:
    """True when a read on fd would not block now."""
    try:
        ready, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):  # closed in the callback
        return False
    return bool(ready)


class DrainingEventLoop(qasync.QEventLoop):  # type: ignore[misc]  # qasync ships no types
    """qasync's loop, with readers called until their socket is dry (at most MAX_READS_PER_WAKE)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The reader table is qasync's (pinned in pyproject.toml); refuse clearly if it moves.
        if not isinstance(getattr(self, "_read_notifiers", None), dict):
            raise RuntimeError("this qasync version keeps no _read_notifiers; pin qasync 0.28.0")

    def _add_reader(self, fd: FileDescriptor, callback: Callable[..., object], *args: Any) -> None:
        registered: list[object] = []

        def drain() -> None:
            callback(*args)
            for _ in range(MAX_READS_PER_WAKE - 1):
                # Stop once the callback removed or replaced the reader, or the socket is dry.
                if self._read_notifiers.get(fd) is not registered[0] or not still_readable(fd):
                    return
                callback(*args)

        super()._add_reader(fd, drain)
        registered.append(self._read_notifiers[fd])
