"""Key frame requests are coalesced and rate-limited; the dominant speaker changes sensibly."""

from __future__ import annotations

from server.sfu.keyframes import KeyframeRequester
from server.sfu.speaker import DECIDE_EVERY, DominantSpeaker

INTERVAL = 1.0


class Upstream:
    def __init__(self, able: bool = True):
        self.able = able
        self.plis = 0

    def send(self) -> bool:
        if self.able:
            self.plis += 1
        return self.able


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def requester(upstream: Upstream, clock: Clock) -> KeyframeRequester:
    return KeyframeRequester(upstream.send, INTERVAL, clock)


def test_requests_are_coalesced_into_one_pli_per_interval() -> None:
    upstream, clock = Upstream(), Clock()
    keyframes = requester(upstream, clock)
    for _ in range(10):
        keyframes.request()
    assert upstream.plis == 1
    keyframes.keyframe_arrived()
    clock.now += 0.5
    keyframes.request()  # a new viewer right after the key frame: waits for the interval
    keyframes.frame_arrived()
    assert upstream.plis == 1
    clock.now += 0.49
    keyframes.frame_arrived()
    assert upstream.plis == 1
    clock.now += 0.01  # the interval is over: the next frame sends the waiting request
    keyframes.frame_arrived()
    assert upstream.plis == 2 and keyframes.sent == 2


def test_a_request_is_retried_every_interval_until_a_key_frame_comes() -> None:
    upstream, clock = Upstream(), Clock()
    keyframes = requester(upstream, clock)
    keyframes.request()
    for _ in range(75):  # 2.5 s of delta frames at 30 fps
        clock.now += 1 / 30
        keyframes.frame_arrived()
    assert upstream.plis == 3  # at 0, 1 and 2 s
    keyframes.keyframe_arrived()
    for _ in range(75):
        clock.now += 1 / 30
        keyframes.frame_arrived()
    assert upstream.plis == 3  # nobody waits any more


def test_a_request_that_could_not_be_sent_does_not_use_up_the_interval() -> None:
    upstream, clock = Upstream(able=False), Clock()
    keyframes = requester(upstream, clock)
    keyframes.request()
    assert keyframes.sent == 0
    upstream.able = True
    clock.now += 0.1
    keyframes.frame_arrived()  # the first packet arrived: the PLI goes out now, not in a second
    assert upstream.plis == 1


def test_a_closed_requester_sends_nothing() -> None:
    upstream, clock = Upstream(), Clock()
    keyframes = requester(upstream, clock)
    keyframes.close()
    keyframes.request()
    clock.now += 5 * INTERVAL
    keyframes.frame_arrived()
    assert upstream.plis == 0


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
