"""The dominant speaker of a room, from the RFC 6464 levels senders stamp on audio packets.

The SFU never decodes audio, so it cannot measure loudness itself; aiortc (like browsers)
puts the level of every audio frame in the ssrc-audio-level header extension, which aiortc's
receiver parses into `packet.extensions.audio_level`. Levels are smoothed per participant; the
loudest one above a speech threshold becomes the dominant speaker when the current one is quiet
or clearly (SWITCH_MARGIN_DB) quieter. Decisions are taken at most every DECIDE_EVERY seconds and
only changes are reported; silence keeps the last speaker, as meeting apps do.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SPEECH_DBOV = -50.0  # louder than this is taken for speech, not room noise
SMOOTHING = 0.15  # per 20 ms packet: a time constant of about 130 ms
DECIDE_EVERY = 0.3
SWITCH_MARGIN_DB = 6.0
STALE_AFTER = 0.5  # seconds without a packet (muted, DTX) count as silence


class DominantSpeaker:
    """Reports `on_change(participant, level)` when another participant dominates.

    `level` is the speaker's latest packet level as linear amplitude, 0.0 to 1.0.
    """

    def __init__(
        self,
        on_change: Callable[[str, float], None],
        clock: Callable[[], float] = time.monotonic,
    ):
        self._on_change = on_change
        self._clock = clock
        self._db: dict[str, float] = {}
        self._seen: dict[str, float] = {}
        self._latest: dict[str, float] = {}
        self._next_decision = 0.0
        self.current: str | None = None

    def observe(self, participant: str, level: int) -> None:
        """One packet's level, in -dBov (0 loudest, 127 silence)."""
        db = -float(level)
        self._latest[participant] = db
        previous = self._db.get(participant)
        self._db[participant] = db if previous is None else previous + SMOOTHING * (db - previous)
        now = self._clock()
        self._seen[participant] = now
        if now >= self._next_decision:
            self._next_decision = now + DECIDE_EVERY
            self._decide(now)

    def forget(self, participant: str) -> None:
        self._db.pop(participant, None)
        self._seen.pop(participant, None)
        self._latest.pop(participant, None)
        if self.current == participant:
            self.current = None

    def _decide(self, now: float) -> None:
        speaking = {
            participant: db
            for participant, db in self._db.items()
            if db > SPEECH_DBOV and now - self._seen[participant] <= STALE_AFTER
        }
        if not speaking:
            return
        loudest = max(speaking, key=speaking.__getitem__)
        if loudest == self.current:
            return
        current_db = speaking.get(self.current) if self.current is not None else None
        if current_db is not None and speaking[loudest] < current_db + SWITCH_MARGIN_DB:
            return
        self.current = loudest
        self._on_change(loudest, 10 ** (self._latest[loudest] / 20))
