"""Python's cycle collector, run only on the Qt thread.

Automatic collection runs in whichever thread happens to allocate, and the app has many: aiortc's
decoders, the encoders' executor, the download saver. A Qt object freed by a collection in one of
them is destroyed off its thread, leaving its timers registered with the main thread's event
dispatcher, and the next timer event there is delivered to freed memory (a segmentation fault in
QTimerInfoList::activateTimers). So automatic collection is switched off and a timer on the Qt
thread collects instead: the youngest generation at every tick (cheap: it holds only what was
allocated since), older ones as often as their thresholds say.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 250


class MainThreadCollector(QObject):
    """Collects garbage on the thread it lives on (the Qt thread) while started."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        self._was_enabled = gc.isenabled()
        self._timer = QTimer(self)
        self._timer.setInterval(CHECK_MS)
        self._timer.timeout.connect(self.collect_due)

    def start(self) -> None:
        """Switch automatic collection off and collect from the timer instead."""
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer.start()

    def stop(self) -> None:
        """Collect everything once more here, then give collection back to the interpreter."""
        self._timer.stop()
        gc.collect()
        if self._was_enabled:
            gc.enable()

    def collect_due(self) -> int:
        """Collect the young generation, or an older one when due; return the objects found."""
        # gc.get_count()[n] counts collections of generation n - 1 since generation n's last.
        counts = gc.get_count()
        generation = 0
        if counts[1] >= self._thresholds[1]:
            generation = 2 if counts[2] >= self._thresholds[2] else 1
        return gc.collect(generation)
