"""The microphone level: RMS and peak of real frames, one reading per 100 ms of audio."""

from __future__ import annotations

import asyncio
import math

import av
import pytest

from app.core.media.level import SILENCE, LevelMeter, samples_of
from app.core.media.speaker_tone import LEVEL, tone_frames
from app.core.meeting.testsrc import ToneTrack


def frames_of(track: ToneTrack, count: int) -> list[av.AudioFrame]:
    async def read() -> list[av.AudioFrame]:
        return [await track.recv() for _ in range(count)]

    return asyncio.run(read())


def test_a_tone_reads_its_rms_and_peak_once_per_window() -> None:
    meter = LevelMeter(window=4800)
    readings = [meter.add(samples_of(f)) for f in frames_of(ToneTrack(level=0.5), 10)]
    levels = [r for r in readings if r is not None]
    assert [i for i, r in enumerate(readings) if r is not None] == [4, 9]  # every 5 × 20 ms
    for level in levels:
        assert level.rms == pytest.approx(0.5 / math.sqrt(2), rel=0.01)
        assert level.peak == pytest.approx(0.5, rel=0.01)
        assert level.meter == pytest.approx(1 + 20 * math.log10(0.5 / math.sqrt(2)) / 60, rel=0.01)


def test_silence_reads_zero_and_loud_reads_full() -> None:
    assert SILENCE.meter == 0.0
    meter = LevelMeter(window=960)
    silent = av.AudioFrame(format="s16", layout="mono", samples=960)
    silent.planes[0].update(bytes(1920))
    level = meter.add(samples_of(silent))
    assert level is not None and level.rms == 0 and level.peak == 0 and level.meter == 0
    loud = LevelMeter(window=960).add(samples_of(frames_of(ToneTrack(level=1.0), 1)[0]))
    assert loud is not None and loud.meter > 0.95


def test_stereo_and_float_frames_are_counted_too() -> None:
    mono = frames_of(ToneTrack(level=0.25), 1)[0]
    resampler = av.AudioResampler(format="fltp", layout="stereo", rate=48000)
    [stereo] = resampler.resample(mono)
    samples = samples_of(stereo)
    assert len(samples) == 2 * stereo.samples
    # Spread over two channels the tone keeps its shape (the resampler may scale it by -3 dB).
    assert 0.15 * 32767 < max(samples) <= 0.25 * 32767 + 1


def test_the_speaker_tone_is_short_soft_and_without_clicks() -> None:
    frames = tone_frames()
    samples = [s for f in frames for s in samples_of(f)]
    assert 0.5 < len(samples) / 48000 < 1.2
    assert max(abs(s) for s in samples) <= LEVEL * 32767 + 1
    assert abs(samples[0]) < 100 and abs(samples[-1]) < 100  # faded in and out
