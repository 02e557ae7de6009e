"""A publication: one upstream track of one participant, fanned out to its viewers' tracks.

Frames are pushed from inside aiortc's receive path for the publisher's connection: whatever a
viewer's outlet raises there would end that connection for everyone. So an outlet that raises
is logged once and dropped from this publication, and the others get the frame as usual
(a ForwardSender contains its own failures; this guard is for any outlet).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable
from typing import Protocol

from protocol.meeting_types import Source
from server.sfu.frames import EncodedFrame
from server.sfu.keyframes import KeyframeRequester
from server.sfu.tap import FrameAssembler, drop_frame

log = logging.getLogger(__name__)

LevelSink = Callable[[str, int], None]


class Outlet(Protocol):
    """One viewer's end of a publication (a ForwardSender)."""

    def push(self, frame: EncodedFrame) -> None:
        """Take one frame for this viewer."""
        ...

    def restart(self) -> None:
        """Drop what waits and start over at the next key frame."""
        ...


class Publication:
    """Takes whole frames from a tapped receiver and pushes each, unchanged, to every viewer."""

    def __init__(
        self,
        participant: str,
        source: Source,
        kind: str,
        assembler: FrameAssembler,
        keyframe_interval: float,
        on_level: LevelSink | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.participant = participant
        self.source = source
        self.kind = kind
        self.enabled = True
        self.frames = 0
        self.failed_outlets = 0
        self._assembler = assembler
        self._on_level = on_level
        self._subscribers: set[Outlet] = set()
        self._picture_id = random.getrandbits(15)
        self._keyframes = (
            KeyframeRequester(assembler.request_keyframe, keyframe_interval, clock)
            if kind == "video"
            else None
        )
        assembler.sink = self.deliver
        assembler.on_loss = self.request_keyframe

    @property
    def keyframe_requests_sent(self) -> int:
        return 0 if self._keyframes is None else self._keyframes.sent

    def add(self, out: Outlet) -> None:
        self._subscribers.add(out)

    def discard(self, out: Outlet) -> None:
        self._subscribers.discard(out)

    def deliver(self, frame: EncodedFrame) -> None:
        if not self.enabled:
            return
        self.frames += 1
        if self._keyframes is not None:
            if frame.keyframe:
                self._keyframes.keyframe_arrived()
            else:
                self._keyframes.frame_arrived()
            frame.picture_id = self._picture_id
            self._picture_id = (self._picture_id + 1) & 0x7FFF
        failed: list[Outlet] = []
        for out in self._subscribers:
            try:
                out.push(frame)
            except Exception:
                self._report_failure()
                failed.append(out)
        self._subscribers.difference_update(failed)
        if frame.audio_level is not None and self._on_level is not None:
            self._on_level(self.participant, frame.audio_level)

    def request_keyframe(self) -> None:
        if self.enabled and self._keyframes is not None:
            self._keyframes.request()

    def set_enabled(self, enabled: bool) -> None:
        """Stop or resume forwarding; on resume every viewer waits for a fresh key frame."""
        if enabled == self.enabled:
            return
        self.enabled = enabled
        # Queued frames go too: a host's "stop" takes effect now, not a queue later.
        failed: list[Outlet] = []
        for out in self._subscribers:
            try:
                out.restart()
            except Exception:
                self._report_failure()
                failed.append(out)
        self._subscribers.difference_update(failed)
        if not enabled and self._keyframes is not None:
            self._keyframes.keyframe_arrived()  # nobody waits for a track that is not forwarded

    def close(self) -> None:
        self._assembler.sink = drop_frame
        self._assembler.on_loss = None
        if self._keyframes is not None:
            self._keyframes.close()
        self._subscribers.clear()

    def _report_failure(self) -> None:
        """Log the failure being handled (once per outlet: it is dropped after this pass)."""
        log.warning(
            "forwarding %s's %s to a viewer failed; that viewer no longer gets it",
            self.participant,
            self.source,
            exc_info=True,
        )
        self.failed_outlets += 1
