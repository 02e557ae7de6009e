"""Mixing remote voices: per-participant jitter buffers at 48 kHz mono int16, summed on demand.

Pure Python with the stdlib `array` module (no numpy), and no device: AudioPlayer feeds it from
the event loop and drains it from PortAudio's callback thread, so buffers sit behind a lock.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field

import av

RATE = 48000
MIN_SAMPLE, MAX_SAMPLE = -32768, 32767


def mix(chunks: Iterable[array], samples: int) -> array:
    """Sum int16 chunks into `samples` samples, clipped; a short chunk is silence after its end."""
    voices = [chunk[:samples] for chunk in chunks]
    if len(voices) == 1:
        # One voice needs no clipping: copy it as it is (the common case, and much faster).
        single = array("h", voices[0])
        single.frombytes(bytes(2 * (samples - len(single))))
        return single
    total = [0] * samples
    for voice in voices:
        for i, value in enumerate(voice):
            total[i] += value
    return array(
        "h",
        [MAX_SAMPLE if v > MAX_SAMPLE else MIN_SAMPLE if v < MIN_SAMPLE else v for v in total],
    )


@dataclass
class _Voice:
    """One participant's buffered audio, waiting to be played."""

    buffer: array = field(default_factory=lambda: array("h"))
    primed: bool = False  # playing; false until `prefill` is buffered, and again after running dry


class AudioMixer:
    """Resamples each participant's frames to 48 kHz mono s16 and mixes them when pulled."""

    def __init__(self, max_buffered_ms: int = 200, prefill_ms: int = 40) -> None:
        if not 0 <= prefill_ms <= max_buffered_ms or max_buffered_ms <= 0:
            raise ValueError("need 0 <= prefill_ms <= max_buffered_ms and max_buffered_ms > 0")
        self.max_samples = RATE * max_buffered_ms // 1000
        self.prefill_samples = RATE * prefill_ms // 1000
        self._voices: dict[str, _Voice] = {}
        self._lock = threading.Lock()
        # Resamplers are used only by the thread that pushes, so they need no lock.
        self._resamplers: dict[str, tuple[tuple[str, str, int], av.AudioResampler]] = {}

    def push(self, participant: str, frame: av.AudioFrame) -> None:
        """Add one decoded frame of any rate/layout; the oldest audio goes beyond the bound."""
        samples = array("h")
        for converted in self._resample(participant, frame):
            samples.frombytes(bytes(converted.planes[0])[: converted.samples * 2])
        if not samples:
            return
        with self._lock:
            voice = self._voices.setdefault(participant, _Voice())
            voice.buffer.extend(samples)
            excess = len(voice.buffer) - self.max_samples
            if excess > 0:
                # Late audio is worse than lost audio in a conversation: drop the oldest.
                del voice.buffer[:excess]
            if len(voice.buffer) >= self.prefill_samples:
                voice.primed = True

    def pull(self, samples: int) -> array:
        """The next `samples` samples of everyone together (silence when nobody speaks)."""
        chunks = []
        with self._lock:
            for voice in self._voices.values():
                if not voice.primed:
                    continue
                chunks.append(voice.buffer[:samples])
                del voice.buffer[:samples]
                if not voice.buffer:
                    voice.primed = False
        return mix(chunks, samples)

    def buffered_ms(self, participant: str) -> float:
        """How much of this participant's audio waits to be played."""
        with self._lock:
            voice = self._voices.get(participant)
            return 0.0 if voice is None else len(voice.buffer) * 1000 / RATE

    def forget(self, participant: str) -> None:
        """Drop a participant who left, with whatever they had buffered."""
        with self._lock:
            self._voices.pop(participant, None)
        self._resamplers.pop(participant, None)

    def _resample(self, participant: str, frame: av.AudioFrame) -> list[av.AudioFrame]:
        shape = (frame.format.name, frame.layout.name, frame.sample_rate)
        known = self._resamplers.get(participant)
        if known is None or known[0] != shape:
            # A resampler is fixed to its first input's format: a new one when that changes.
            known = (shape, av.AudioResampler(format="s16", layout="mono", rate=RATE))
            self._resamplers[participant] = known
        return known[1].resample(frame)
