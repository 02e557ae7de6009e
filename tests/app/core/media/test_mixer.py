"""The mixer: sums voices with clipping, resamples any input to 48 kHz mono, bounds its buffers."""

from __future__ import annotations

import math
from array import array

import av
import pytest

from app.core.media.mixer import AudioMixer, mix

RATE = 48000


def frame(values: list[int], rate: int = RATE, layout: str = "mono") -> av.AudioFrame:
    """An s16 frame; for stereo, `values` are interleaved left, right."""
    channels = 2 if layout == "stereo" else 1
    result = av.AudioFrame(format="s16", layout=layout, samples=len(values) // channels)
    result.planes[0].update(array("h", values).tobytes())
    result.sample_rate = rate
    return result


def tone(frequency: float, level: int, rate: int, start: int, count: int) -> list[int]:
    return [
        int(level * math.sin(2 * math.pi * frequency * (start + n) / rate)) for n in range(count)
    ]


def test_two_tones_are_summed_sample_by_sample() -> None:
    mixer = AudioMixer()
    a = tone(440, 8000, RATE, 0, 4800)
    b = tone(1000, 6000, RATE, 0, 4800)
    for start in range(0, 4800, 960):
        mixer.push("ann", frame(a[start : start + 960]))
        mixer.push("bob", frame(b[start : start + 960]))
    mixed = mixer.pull(4800)
    assert mixed.tolist() == [x + y for x, y in zip(a, b, strict=True)]


def test_loud_voices_clip_instead_of_wrapping() -> None:
    mixer = AudioMixer(prefill_ms=0)
    mixer.push("ann", frame([30000, -30000, 20000, 100] * 240))
    mixer.push("bob", frame([30000, -30000, 20000, -50] * 240))
    mixer.push("cat", frame([1, -1, -20000, 0] * 240))
    assert mixer.pull(4).tolist() == [32767, -32768, 20000, 50]


def test_48k_stereo_and_16k_mono_are_resampled_then_mixed() -> None:
    mixer = AudioMixer()
    # 100 ms each: stereo at 48 kHz (left and right differ) and a tone at 16 kHz.
    for block in range(5):
        left = tone(440, 4000, RATE, block * 960, 960)
        stereo = [v for pair in zip(left, [-1000] * 960, strict=True) for v in pair]
        mixer.push("ann", frame(stereo, layout="stereo"))
        mixer.push("bob", frame(tone(300, 9000, 16000, block * 320, 320), rate=16000))
    mixed = mixer.pull(4000).tolist()
    # Stereo becomes (left + right) / 2; 16 kHz becomes 48 kHz, phase kept.
    expected = [
        (4000 * math.sin(2 * math.pi * 440 * n / RATE) - 1000) / 2
        + 9000 * math.sin(2 * math.pi * 300 * n / RATE)
        for n in range(4000)
    ]
    # The resampler's filter needs a few samples to settle; after that it is within rounding.
    errors = [abs(got - want) for got, want in zip(mixed[200:], expected[200:], strict=True)]
    assert max(errors) < 10


def test_constant_levels_survive_resampling_exactly() -> None:
    mixer = AudioMixer()
    for _ in range(5):
        mixer.push("ann", frame([1200, 800] * 960, layout="stereo"))  # mono 1000
        mixer.push("bob", frame([2000] * 320, rate=16000))
    assert set(mixer.pull(4000).tolist()) == {3000}


def test_buffers_keep_only_the_newest_200_ms() -> None:
    mixer = AudioMixer(max_buffered_ms=200)
    for block in range(50):  # one second, each 20 ms block a different level
        mixer.push("ann", frame([block] * 960))
    assert mixer.buffered_ms("ann") == 200
    assert sorted(set(mixer.pull(9600).tolist())) == list(range(40, 50))
    assert mixer.buffered_ms("ann") == 0


def test_a_voice_waits_for_its_prefill_and_silence_fills_gaps() -> None:
    mixer = AudioMixer(prefill_ms=40)
    mixer.push("ann", frame([500] * 960))  # 20 ms: not yet enough to start
    assert mixer.pull(960).tolist() == [0] * 960
    mixer.push("ann", frame([500] * 960))
    assert mixer.pull(960 * 3).tolist() == [500] * 1920 + [0] * 960  # ran dry: silence after
    assert mixer.pull(10).tolist() == [0] * 10


def test_forgotten_participants_are_no_longer_heard() -> None:
    mixer = AudioMixer(prefill_ms=0)
    mixer.push("ann", frame([700] * 960))
    mixer.push("bob", frame([300] * 960))
    mixer.forget("ann")
    assert set(mixer.pull(960).tolist()) == {300}
    assert mixer.buffered_ms("ann") == 0


def test_a_participant_changing_format_gets_a_new_resampler() -> None:
    mixer = AudioMixer(prefill_ms=0)
    mixer.push("ann", frame([100] * 960))
    mixer.push("ann", frame([200, 200] * 960, layout="stereo"))
    mixer.push("ann", frame([300] * 320, rate=16000))
    levels = mixer.pull(960 * 3).tolist()
    assert levels[:1920] == [100] * 960 + [200] * 960
    assert set(levels[2200:2800]) == {300}


def test_mix_of_nothing_is_silence() -> None:
    assert mix([], 5).tolist() == [0] * 5
    assert mix([array("h", [1, 2])], 4).tolist() == [1, 2, 0, 0]


def test_bad_bounds_are_refused() -> None:
    with pytest.raises(ValueError):
        AudioMixer(max_buffered_ms=20, prefill_ms=40)
