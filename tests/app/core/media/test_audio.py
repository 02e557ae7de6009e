"""Microphone, speaker and their absence, each in a child process with its own audio set-up."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from app.core.media.notices import NO_MICROPHONE, NO_PORTAUDIO, NO_SPEAKER
from tests.app.core.media.conftest import ALSA_FIFO, ALSA_NO_DEVICE, ALSA_NULL, ProbeRunner

BLOCK = 960


def test_a_machine_without_audio_devices_joins_receive_only(run_probe: ProbeRunner) -> None:
    seen = run_probe("inventory", ALSA_NO_DEVICE)
    if seen["portaudio_devices"]:
        pytest.skip("PortAudio reaches this machine's sound cards directly; CI has none")
    assert seen["microphones"] == seen["speakers"] == []
    availability = seen["availability"]
    assert (availability["microphone"], availability["speaker"]) == (False, False)
    assert availability["audio_library"]
    assert NO_MICROPHONE in availability["notices"]
    assert NO_SPEAKER in availability["notices"]
    assert not seen["microphone_opened"]
    assert (seen["player_available"], seen["player_problem"]) == (False, NO_SPEAKER)
    assert seen["player_buffered_ms"] == 0  # feed() did nothing
    assert seen["join_sources"] == []
    assert seen["join_notices"] == [NO_MICROPHONE]
    assert seen["threads_left"] == []


def test_a_machine_without_portaudio_joins_receive_only(run_probe: ProbeRunner) -> None:
    seen = run_probe("inventory", ALSA_NULL, hide_portaudio=True)
    assert seen["microphones"] == seen["speakers"] == []
    availability = seen["availability"]
    assert not availability["audio_library"]
    assert NO_PORTAUDIO in availability["notices"]
    assert NO_MICROPHONE not in availability["notices"]  # one sentence says it all
    assert not seen["microphone_opened"]
    assert (seen["player_available"], seen["player_problem"]) == (False, NO_PORTAUDIO)
    assert seen["player_buffered_ms"] == 0
    assert seen["join_notices"] == [NO_PORTAUDIO]


def test_audio_devices_are_listed_and_the_microphone_sends_20ms_frames(
    run_probe: ProbeRunner,
) -> None:
    seen = run_probe("inventory", ALSA_NULL)
    microphones, speakers = seen["microphones"], seen["speakers"]
    assert microphones[0] == {"id": "ALSA/default", "name": "default", "kind": "microphone"}
    assert speakers[0] == {"id": "ALSA/default", "name": "default", "kind": "speaker"}
    assert seen["availability"]["microphone"] and seen["availability"]["speaker"]
    assert seen["microphone_opened"]
    assert seen["microphone_frames"] == [[n * BLOCK, BLOCK, 48000] for n in range(3)]
    assert seen["player_available"]
    assert seen["join_sources"] == ["microphone"]
    assert seen["join_notices"] == []
    assert seen["threads_left"] == []


def test_the_microphone_sends_what_it_records_and_silence_while_stalled(
    run_probe: ProbeRunner, tmp_path: Path
) -> None:
    fifo = tmp_path / "microphone.fifo"
    os.mkfifo(fifo)
    seen = run_probe("microphone-fifo", ALSA_FIFO.format(fifo=fifo), str(fifo))
    written, received = seen["written"], seen["received"]
    assert received[:5] == written  # exactly what the device delivered, in order
    assert received[5:8] == [[0] * BLOCK] * 3  # the device stalled: silence, no error
    assert written[0] in received[8:]  # it came back
    assert seen["pts"] == [n * BLOCK for n in range(18)]
    assert seen["silent_frames"] >= 3
    assert seen["failure"] is None
    # PortAudio's thread was stuck in a read: stop returned anyway, and closed once let go.
    assert seen["stop_seconds"] < 2
    assert seen["threads_left"] == []


def test_the_player_hands_the_mix_to_the_device(run_probe: ProbeRunner) -> None:
    seen = run_probe("player", ALSA_NULL)
    assert seen["available"]
    assert seen["problem"] is None
    assert seen["drained_ms"] == 0
    assert seen["threads_left"] == []
