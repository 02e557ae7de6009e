"""The speaker test: a short, soft two-note chime fed to a player at the pace it plays."""

from __future__ import annotations

import asyncio
import fractions
import math
from array import array
from collections.abc import Callable

import av

RATE = 48000
FRAME = RATE // 50  # 20 ms, like the meeting's audio
NOTES = ((660.0, 0.35), (880.0, 0.45))  # Hz, seconds
LEVEL = 0.25
AHEAD = 0.06  # seconds fed before they are due, so the player's buffer never runs dry

Feed = Callable[[av.AudioFrame], None]


def tone_samples() -> array:
    """The chime as 48 kHz mono int16 samples, each note faded in and out (no clicks)."""
    samples = array("h")
    for frequency, seconds in NOTES:
        count = int(RATE * seconds)
        fade = RATE // 100
        for n in range(count):
            envelope = min(1.0, n / fade, (count - n) / fade)
            value = LEVEL * envelope * math.sin(2 * math.pi * frequency * n / RATE)
            samples.append(int(value * 32767))
    return samples


def tone_frames() -> list[av.AudioFrame]:
    """The chime cut into 20 ms frames."""
    samples = tone_samples()
    frames = []
    for start in range(0, len(samples), FRAME):
        chunk = samples[start : start + FRAME]
        chunk.frombytes(bytes(2 * (FRAME - len(chunk))))
        frame = av.AudioFrame(format="s16", layout="mono", samples=FRAME)
        frame.planes[0].update(chunk.tobytes())
        frame.pts, frame.sample_rate = start, RATE
        frame.time_base = fractions.Fraction(1, RATE)
        frames.append(frame)
    return frames


async def play_tone(feed: Feed) -> float:
    """Feed the chime frame by frame in real time (a player holds only a short buffer).

    Returns how long it plays, in seconds.
    """
    loop = asyncio.get_running_loop()
    frames = tone_frames()
    started = loop.time()
    for index, frame in enumerate(frames):
        due = started + index * FRAME / RATE - AHEAD
        await asyncio.sleep(max(0.0, due - loop.time()))
        feed(frame)
    return len(frames) * FRAME / RATE
