"""Audio scenarios run in a child process, so each gets its own PortAudio and ALSA set-up.

PortAudio reads the device list once, when sounddevice is imported; a child started with its own
ALSA_CONFIG_PATH (a null device, a FIFO-fed microphone, no device at all) or with PortAudio
hidden is the only honest way to try each machine. Prints one JSON line; run by test_audio.py.
"""

from __future__ import annotations

import array
import asyncio
import json
import os
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import asdict
from typing import Any

import av

from app.core.media.audio_player import AudioPlayer
from app.core.media.devices import MediaDevices
from app.core.media.microphone import BLOCK
from app.core.media.sources import MediaChoices, join_media


def tone_frame(value: int, samples: int = BLOCK) -> av.AudioFrame:
    """A 48 kHz mono frame holding one constant value."""
    frame = av.AudioFrame(format="s16", layout="mono", samples=samples)
    frame.planes[0].update(array.array("h", [value] * samples).tobytes())
    frame.sample_rate = 48000
    return frame


def samples_of(frame: av.AudioFrame) -> list[int]:
    return array.array("h", bytes(frame.planes[0])[: frame.samples * 2]).tolist()


def podium_threads() -> list[str]:
    return sorted(t.name for t in threading.enumerate() if t.name.startswith("podium-"))


async def inventory() -> dict[str, Any]:
    """Everything MediaDevices and the player say about this machine's audio."""
    devices = MediaDevices()
    portaudio = devices.portaudio()
    raw_count = len(portaudio.sd.query_devices()) if portaudio else 0
    microphone = devices.open_microphone(None)
    frames = []
    if microphone is not None:
        frames = [await microphone.recv() for _ in range(3)]
        microphone.stop()
    player = AudioPlayer()
    player_available = player.available
    player.feed("someone", tone_frame(1000))  # a no-op unless a device plays it
    fed = player.mixer.buffered_ms("someone")
    player.close()
    joined = join_media(devices, MediaChoices(camera=False))
    joined.stop()
    return {
        "portaudio_devices": raw_count,
        "microphones": [asdict(d) for d in devices.microphones()],
        "speakers": [asdict(d) for d in devices.speakers()],
        "availability": asdict(devices.availability()),
        "microphone_opened": microphone is not None,
        "microphone_frames": [(f.pts, f.samples, f.sample_rate) for f in frames],
        "player_available": player_available,
        "player_problem": player.problem,
        "player_buffered_ms": fed,
        "join_sources": sorted(joined.sources),
        "join_notices": list(joined.notices),
        "threads_left": podium_threads(),
    }


async def microphone_fifo(fifo: str) -> dict[str, Any]:
    """A microphone fed through a FIFO: exact samples, silence while it stalls, a safe stop."""
    writer = os.open(fifo, os.O_RDWR)  # a writer that never blocks, so ALSA's open doesn't
    track = MediaDevices().open_microphone(None)
    assert track is not None
    blocks = [array.array("h", [k * 100 + i % 50 for i in range(BLOCK)]) for k in range(1, 6)]
    for block in blocks:
        os.write(writer, block.tobytes())
    frames = [await track.recv() for _ in range(8)]  # 5 written, then 3 while nothing comes
    os.write(writer, blocks[0].tobytes())
    resumed = [await track.recv() for _ in range(10)]
    started = time.monotonic()
    track.stop()  # PortAudio's thread is stuck in read(): stop must still return
    stop_seconds = time.monotonic() - started
    stuck = podium_threads()
    os.write(writer, bytes(2 * BLOCK * 4))  # let the driver go, so the closer can finish
    await _until(lambda: not podium_threads())
    return {
        "written": [b.tolist() for b in blocks],
        "received": [samples_of(f) for f in frames + resumed],
        "pts": [f.pts for f in frames + resumed],
        "silent_frames": track.silent_frames,
        "failure": track.failure,
        "stop_seconds": stop_seconds,
        "threads_while_stuck": stuck,
        "threads_left": podium_threads(),
    }


async def player_null() -> dict[str, Any]:
    """The player on a device that plays instantly: what is fed gets pulled out."""
    player = AudioPlayer()
    available = player.available
    for _ in range(5):
        player.feed("a", tone_frame(1000))
        player.feed("b", tone_frame(-500))
    await _until(lambda: player.mixer.buffered_ms("a") == 0 == player.mixer.buffered_ms("b"))
    drained = player.mixer.buffered_ms("a") + player.mixer.buffered_ms("b")
    player.close()
    player.close()
    return {
        "available": available,
        "problem": player.problem,
        "drained_ms": drained,
        "threads_left": podium_threads(),
    }


async def _until(condition: Callable[[], bool], within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        if condition():
            return
        await asyncio.sleep(0.01)


SCENARIOS = {"inventory": inventory, "microphone-fifo": microphone_fifo, "player": player_null}

if __name__ == "__main__":
    result = asyncio.run(SCENARIOS[sys.argv[1]](*sys.argv[2:]))
    print(json.dumps(result), flush=True)
