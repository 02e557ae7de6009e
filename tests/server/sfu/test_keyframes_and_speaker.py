"""Key frame requests are coalesced and rate-limited; the dominant speaker changes sensibly."""

from __future__ import annotations

import asyncio

from server.sfu.keyframes import KeyframeRequester
from server.sfu.speaker import DECIDE_EVERY, DominantSpeaker

INTERVAL = 0.2


class Upstream:
    def __init__(self, able: bool = True):
        self.able = able
        self.plis = 0

    def send(self) -> bool:
        if self.able:
            self.plis += 1
        return self.able


async def test_requests_are_coalesced_into_one_pli_per_interval() -> None:
    upstream = Upstream()
    requester = KeyframeRequester(upstream.send, INTERVAL)
    for _ in range(10):
        requester.request()
    assert upstream.plis == 1
    requester.keyframe_arrived()
    requester.request()  # a new viewer right after the key frame: waits for the interval
    assert upstream.plis == 1
    await asyncio.sleep(INTERVAL * 1.5)
    assert upstream.plis == 2
    requester.close()


async def test_a_request_is_retried_until_a_key_frame_comes() -> None:
    upstream = Upstream()
    requester = KeyframeRequester(upstream.send, INTERVAL)
    requester.request()
    await asyncio.sleep(INTERVAL * 2.5)
    assert upstream.plis == 3
    requester.keyframe_arrived()
    await asyncio.sleep(INTERVAL * 1.5)
    assert upstream.plis == 3
    requester.close()


async def test_a_request_that_could_not_be_sent_does_not_use_up_the_interval() -> None:
    upstream = Upstream(able=False)
    requester = KeyframeRequester(upstream.send, INTERVAL)
    requester.request()
    upstream.able = True
    requester.request()  # the first packet arrived: the PLI goes out now, not in a second
    assert upstream.plis == 1
    requester.close()
    requester.request()
    await asyncio.sleep(INTERVAL * 1.5)
    assert upstream.plis == 1


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def talk(speaker: DominantSpeaker, clock: Clock, levels: dict[str, int], seconds: float) -> None:
    """Feed 20 ms packets of the given -dBov levels for `seconds`."""
    for _ in range(int(seconds / 0.02)):
        clock.now += 0.02
        for participant, level in levels.items():
            speaker.observe(participant, level)


def test_the_loudest_speaker_is_reported_once_and_kept_through_silence() -> None:
    clock = Clock()
    changes: list[tuple[str, float]] = []
    speaker = DominantSpeaker(lambda who, level: changes.append((who, level)), clock)
    talk(speaker, clock, {"ada": 127, "ben": 127}, 1.0)
    assert changes == []  # silence names nobody
    talk(speaker, clock, {"ada": 20, "ben": 127}, 1.0)
    assert [who for who, _ in changes] == ["ada"]
    assert 0.05 < changes[0][1] <= 0.11  # -20 dBov is a tenth of full scale
    talk(speaker, clock, {"ada": 127, "ben": 127}, 1.0)
    assert [who for who, _ in changes] == ["ada"]


def test_a_new_speaker_takes_over_only_when_clearly_louder_or_alone() -> None:
    clock = Clock()
    changes: list[str] = []
    speaker = DominantSpeaker(lambda who, level: changes.append(who), clock)
    talk(speaker, clock, {"ada": 25, "ben": 127}, 1.0)
    talk(speaker, clock, {"ada": 25, "ben": 22}, 1.0)  # 3 dB louder: not enough
    assert changes == ["ada"]
    talk(speaker, clock, {"ada": 25, "ben": 10}, 1.0)
    assert changes == ["ada", "ben"]
    talk(speaker, clock, {"ada": 30, "ben": 127}, DECIDE_EVERY * 4)
    assert changes == ["ada", "ben", "ada"]
    speaker.forget("ada")
    assert speaker.current is None
