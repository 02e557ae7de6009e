"""Tile rendering benchmark: the app's cost of showing decoded camera frames, without a network.

The figure bench/client_grid.py cannot give on a loaded machine (where the bots deliver fewer
frames than they should): nine tiles of the real VideoGrid, offscreen, fed the bots' 640 × 480
camera pattern, VP8-decoded, at 30 frames a second each, as the decoders would hand them over.
Measures the CPU of this process for the hand-over, conversion and painting only (decoding is
done beforehand and timed on its own). Prints one JSON line; bounded by --seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import av
from aiortc.codecs.vpx import Vp8Decoder, Vp8Encoder, vp8_depayload
from aiortc.jitterbuffer import JitterFrame
from PySide6.QtCore import QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from app.core.meeting.testsrc import TestPatternTrack
from app.ui.video_grid import VideoGrid
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from app.viewmodels.synthetic_devices import SyntheticDevices
from protocol.meeting_types import Participant

TILES = 9
WIDTH, HEIGHT, FPS = 640, 480, 30
LOOP = 60  # distinct frames, played in a loop
WINDOW = (1280, 720)


def decoded_frames() -> tuple[list[av.VideoFrame], float]:
    """LOOP frames of the bots' camera pattern through aiortc's VP8 encoder and decoder (what
    the app's decoders hand over), and the milliseconds a decode took."""
    track = TestPatternTrack(WIDTH, HEIGHT, fps=10_000)  # no pacing: frames as fast as made
    encoder, decoder = Vp8Encoder(), Vp8Decoder()
    encoded = []
    for _ in range(LOOP):
        packets, timestamp = encoder.encode(asyncio.run(track.recv()))
        data = b"".join(vp8_depayload(packet) for packet in packets)
        encoded.append(JitterFrame(data=data, timestamp=timestamp))
    started = time.process_time()
    frames = [f for e in encoded for f in decoder.decode(e) if isinstance(f, av.VideoFrame)]
    return frames, (time.process_time() - started) * 1000 / len(encoded)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    frames, decode_ms = decoded_frames()
    vm = MeetingViewModel(account=None, devices=SyntheticDevices())  # type: ignore[arg-type]
    people = [
        Participant(id=f"p{n}", user_id=n, name=f"Person {n}", role="attendee", camera=True)
        for n in range(TILES)
    ]
    vm.participants.reset(people, you="")
    grid = VideoGrid(vm)
    grid.resize(*WINDOW)
    grid.show()
    qapp.processEvents()
    count = [0]

    def deliver() -> None:
        frame = frames[count[0] % len(frames)]
        count[0] += 1
        for person in people:
            vm.frames.push(person.id, "camera", frame)

    feeder = QTimer()
    feeder.setInterval(1000 // FPS)
    feeder.timeout.connect(deliver)
    loop = QEventLoop()
    # Warm-up: a second of frames (caches, first conversions), then the measured window.
    feeder.start()
    QTimer.singleShot(1000, loop.quit)
    loop.exec()
    started_cpu, started, delivered = time.process_time(), time.monotonic(), count[0]
    QTimer.singleShot(round(args.seconds * 1000), loop.quit)
    loop.exec()
    feeder.stop()
    cpu, wall = time.process_time() - started_cpu, time.monotonic() - started
    delivered = count[0] - delivered
    tile = grid.camera_tiles()[0]
    render = 100 * cpu / wall / TILES
    per_frame = 1000 * cpu / max(1, delivered * TILES)
    print(
        json.dumps(
            {
                "bench": "tile_render",
                "tiles": TILES,
                "frame": f"{WIDTH}x{HEIGHT}",
                "tile_size": f"{tile.width()}x{tile.height()}",
                "delivered_fps_per_tile": round(delivered / wall, 1),
                "render_cpu_percent_per_tile": round(render, 2),
                # Per frame, then at the full rate: a loaded machine delivers fewer frames.
                "render_ms_per_frame": round(per_frame, 3),
                "render_cpu_percent_per_tile_at_30fps": round(per_frame * FPS / 10, 2),
                "decode_ms_per_frame": round(decode_ms, 2),
                "decode_cpu_percent_per_tile_at_30fps": round(decode_ms * FPS / 10, 2),
                "seconds": round(wall, 1),
                "load_average_1min": round(os.getloadavg()[0], 2),
            }
        )
    )


if __name__ == "__main__":
    main()
