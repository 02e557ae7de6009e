"""How loud a microphone is: RMS and peak of 16-bit audio, on a meter's 0..1 scale."""

from __future__ import annotations

import math
from array import array
from dataclasses import dataclass

import av

FLOOR_DB = -60.0  # the meter's empty end; quieter than this reads as silence
FULL_SCALE = 32768.0


@dataclass(frozen=True)
class Level:
    """RMS and peak of some audio as fractions of full scale, and the meter's reading."""

    rms: float
    peak: float

    @property
    def meter(self) -> float:
        """0..1 on a decibel scale from FLOOR_DB to 0 dBFS, as level meters show it."""
        if self.rms <= 0:
            return 0.0
        db = 20 * math.log10(self.rms)
        return max(0.0, min(1.0, 1 - db / FLOOR_DB))


SILENCE = Level(0.0, 0.0)


def samples_of(frame: av.AudioFrame) -> array:
    """Every sample of the frame as int16, all channels (other formats are converted first)."""
    if frame.format.name not in ("s16", "s16p"):
        frame = av.AudioResampler(format="s16", layout=frame.layout.name).resample(frame)[0]
    samples = array("h")
    for plane in frame.planes[: 1 if frame.format.name == "s16" else None]:
        count = frame.samples * (len(frame.layout.channels) if frame.format.name == "s16" else 1)
        samples.frombytes(bytes(plane)[: 2 * count])
    return samples


class LevelMeter:
    """Adds up frames and hands back a Level once per `window` samples (100 ms at 48 kHz)."""

    def __init__(self, window: int = 4800) -> None:
        if window <= 0:
            raise ValueError("window must be positive")
        self._window = window
        self._count = 0
        self._squares = 0.0
        self._peak = 0

    def add(self, samples: array) -> Level | None:
        """Count these samples in; a Level when a window is complete, else None."""
        if samples:
            self._squares += math.fsum(float(v) * v for v in samples)
            self._peak = max(self._peak, max(samples), -min(samples))
            self._count += len(samples)
        if self._count < self._window:
            return None
        level = Level(math.sqrt(self._squares / self._count) / FULL_SCALE, self._peak / FULL_SCALE)
        self._count, self._squares, self._peak = 0, 0.0, 0
        return level
