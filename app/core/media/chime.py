"""The short two-note chime played, when wanted, as people join, leave or raise a hand."""

from __future__ import annotations

import math
from array import array

import av

RATE = 48000
NOTES = ((880.0, 0.07), (1320.0, 0.09))  # (frequency in Hz, seconds): up a fifth
VOLUME = 0.18  # of full scale: a hint, never louder than a voice


def chime_frame() -> av.AudioFrame:
    """The chime as one 48 kHz mono s16 frame (160 ms, faded in and out to avoid clicks)."""
    samples = array("h")
    for frequency, seconds in NOTES:
        count = int(RATE * seconds)
        fade = RATE // 200  # 5 ms ramps
        for i in range(count):
            envelope = min(1.0, i / fade, (count - i) / fade)
            value = VOLUME * envelope * math.sin(2 * math.pi * frequency * i / RATE)
            samples.append(int(value * 32767))
    frame = av.AudioFrame(format="s16", layout="mono", samples=len(samples))
    frame.planes[0].update(samples.tobytes())
    frame.sample_rate = RATE
    return frame
