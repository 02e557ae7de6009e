"""The publisher process: a pre-encoded VP8 loop at 30 fps, each frame with a trailer."""

from __future__ import annotations

import asyncio
import json
import random
import struct
import time
from fractions import Fraction
from pathlib import Path

import av
from aiohttp import ClientSession
from aiortc import MediaStreamTrack, RTCPeerConnection, RTCSessionDescription

from sfu_bench.common import (
    BITRATE,
    FPS,
    HEIGHT,
    LOOP,
    MAGIC,
    TRAILER,
    WIDTH,
    config,
    post,
    stdin_closed,
)


def encode_loop() -> tuple[list[bytes], list[bytes]]:
    """LOOP frames of scrolling block noise, stripes and a moving bar: deltas and key frames."""
    rng = random.Random(7)
    blocks = [rng.randbytes(WIDTH // 2) for _ in range(HEIGHT // 2)]
    texture = [
        bytes(
            (blocks[y // 4][x // 4] // 2 + ((x + y) // 6 % 2) * 60 + 30) & 0xFF
            for x in range(2 * WIDTH)
        )
        for y in range(2 * HEIGHT)
    ]
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    streams = []
    for gop in (10_000, 1):
        codec = av.CodecContext.create("libvpx", "w")
        codec.width, codec.height, codec.pix_fmt = WIDTH, HEIGHT, "yuv420p"
        codec.bit_rate, codec.gop_size, codec.qmin, codec.qmax = BITRATE, gop, 2, 56
        codec.time_base = Fraction(1, FPS)
        rate = str(BITRATE)  # constant bit rate, as aiortc's own encoder is set up
        codec.options = {
            "deadline": "realtime",
            "cpu-used": "8",
            "lag-in-frames": "0",
            "minrate": rate,
            "maxrate": rate,
            "bufsize": rate,
            "undershoot-pct": "100",
            "overshoot-pct": "15",
        }
        frames = []
        for n in range(LOOP):
            dx, dy = (n * 3) % WIDTH, (n * 2) % HEIGHT
            rows = []
            for y in range(HEIGHT):
                row = bytearray(texture[y + dy][dx : dx + WIDTH])
                bar = (n * 8 + y) % WIDTH
                row[bar : bar + 40] = b"\xf0" * len(row[bar : bar + 40])
                rows.append(bytes(row))
            frame = av.VideoFrame(width=WIDTH, height=HEIGHT, format="yuv420p")
            frame.planes[0].update(b"".join(rows))
            frame.planes[1].update(chroma)
            frame.planes[2].update(chroma)
            frame.pts = n
            frames.append(b"".join(bytes(p) for p in codec.encode(frame)))
        streams.append(frames)
    return streams[0], streams[1]


def save_loop(path: Path) -> None:
    with path.open("wb") as out:
        for frames in encode_loop():
            for frame in frames:
                out.write(struct.pack("!I", len(frame)) + frame)


def load_loop(path: Path) -> tuple[list[bytes], list[bytes]]:
    data = path.read_bytes()
    frames, pos = [], 0
    while pos < len(data):
        (size,) = struct.unpack_from("!I", data, pos)
        frames.append(data[pos + 4 : pos + 4 + size])
        pos += 4 + size
    return frames[:LOOP], frames[LOOP:]


class LoopTrack(MediaStreamTrack):
    """Plays the pre-encoded loop at 30 fps with a trailer; a PLI swaps in a key frame."""

    kind = "video"

    def __init__(self, deltas: list[bytes], keys: list[bytes], start: float):
        super().__init__()
        self.deltas, self.keys, self.start = deltas, keys, start
        self.count = 0
        self.force = False
        self.sent: list[tuple[int, float]] = []

    def key_frame(self) -> None:
        self.force = True

    async def recv(self) -> av.Packet:  # type: ignore[override]
        await asyncio.sleep(max(0.0, self.start + self.count / FPS - time.monotonic()))
        n, self.count = self.count, self.count + 1
        index = n % LOOP
        data = self.keys[index] if self.force or index == 0 else self.deltas[index]
        self.force = False
        now = time.time()
        self.sent.append((n, now))
        packet = av.Packet(data + TRAILER.pack(MAGIC, n, now))
        packet.pts, packet.time_base = n * (90_000 // FPS), Fraction(1, 90_000)
        return packet


async def publish(url: str, direct: bool, loop_file: Path) -> None:
    deltas, keys = load_loop(loop_file)
    kbps = sum(map(len, deltas)) * 8 * FPS / LOOP / 1000
    start = time.monotonic() + 0.5
    pcs = []
    tracks = []
    async with ClientSession(url) as http:
        await post(http, "/join", name="pub")
        targets = ["sfu", "direct"] if direct else ["sfu"]
        for target in targets:
            pc = RTCPeerConnection(config())
            pcs.append(pc)
            track = LoopTrack(deltas, keys, start)
            tracks.append(track)
            sender = pc.addTransceiver(track, direction="sendonly").sender
            sender._send_keyframe = track.key_frame  # type: ignore[method-assign]
            await pc.setLocalDescription(await pc.createOffer())
            if target == "sfu":
                sources = {str(pc.getTransceivers()[0].mid): "camera"}
                body = await post(
                    http, "/publish", name="pub", sdp=pc.localDescription.sdp, sources=sources
                )
            else:
                await post(http, "/box/direct-offer", sdp=pc.localDescription.sdp)
                async with http.get("/box/direct-answer") as response:
                    body = await response.json()
            await pc.setRemoteDescription(RTCSessionDescription(body["sdp"], "answer"))
        print(f"READY {kbps:.0f}", flush=True)
        await stdin_closed()
    for pc in pcs:
        await pc.close()
    print("RESULT " + json.dumps({"sent": tracks[0].sent}), flush=True)
