"""SFU fan-out benchmark: one 640x480 30 fps VP8 publisher, N viewers, all on this machine.

Prints one JSON line. Every part runs in its own process and talks over 127.0.0.1 only: the
server (the real SfuEngine behind a throw-away HTTP signaling shim), one publisher, the viewers
(five per process) and one reference viewer connected straight to the publisher. The publisher
sends pre-encoded, detailed, moving content at about 1 Mbps and appends a trailer to every frame
(frame number and send time); the SFU forwards it as opaque bytes, like SFrame ciphertext, so
viewers read it back without decoding.

Figures: `server_cpu_pct` is the server process's CPU over the measured window, in percent of one
core (/proc/PID/stat); `cpu_pct_per_viewer_stream` divides it by the viewers. `delivered_ratio`
counts frames sent in the window that reached each viewer. Added latency is, per frame and
viewer, SFU path latency minus the direct path latency of the same frame (publisher and viewers
run niced: they stand in for other machines and should not take the CPU from under the server
every time its packets wake them). A last viewer joins
after the window: `late_join_first_frame_ms` is the time from its join to its first frame. Then
the same publisher is relayed by aiortc's MediaRelay (decode once, encode per viewer) to a few
viewers for `transcode_cpu_pct_per_viewer_stream`. Stops by itself (children also exit when
their stdin closes or after a hard limit) and cleans up every process.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import math
import os
import random
import statistics
import struct
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path
from typing import Any

import av
from aiohttp import ClientSession, web
from aiortc import MediaStreamTrack, RTCConfiguration, RTCPeerConnection, RTCSessionDescription
from aiortc.contrib.media import MediaRelay

from server.sfu import SfuEngine
from server.sfu.tap import tap_receiver

WIDTH, HEIGHT, FPS, BITRATE = 640, 480, 30, 1_000_000
LOOP = 90  # pre-encoded frames, played in a loop that starts on a key frame
TRAILER = struct.Struct("!4sId")  # magic, frame number, send time (time.time())
MAGIC = b"PDMb"
ROOM = "bench"
PER_PROCESS = 5
HARD_LIMIT = 300.0  # seconds any child lives at most
NICE = 5


def config() -> RTCConfiguration:
    return RTCConfiguration(iceServers=[])


# ---------------------------------------------------------------- server process


class Inbox:
    """MediaEvents for one bench participant: offers wait here for its long poll."""

    def __init__(self) -> None:
        self.offers: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def downstream_offer(self, sdp: str, tracks: list[Any]) -> None:
        await self.offers.put({"sdp": sdp, "type": "offer"})

    def speaking(self, level: float) -> None:
        pass


class Transcoder:
    """The path the SFU avoids: MediaRelay of the decoded track, one encoder per viewer."""

    def __init__(self) -> None:
        self.relay = MediaRelay()
        self.source: asyncio.Future[MediaStreamTrack] = asyncio.Future()
        self.pcs: list[RTCPeerConnection] = []

    async def publish(self, sdp: str) -> str:
        pc = RTCPeerConnection(config())
        self.pcs.append(pc)
        pc.on("track", lambda track: self.source.done() or self.source.set_result(track))
        await pc.setRemoteDescription(RTCSessionDescription(sdp, "offer"))
        await pc.setLocalDescription(await pc.createAnswer())
        return pc.localDescription.sdp

    async def join(self, inbox: Inbox) -> RTCPeerConnection:
        pc = RTCPeerConnection(config())
        self.pcs.append(pc)
        pc.addTransceiver(self.relay.subscribe(await self.source), direction="sendonly")
        await pc.setLocalDescription(await pc.createOffer())
        await inbox.downstream_offer(pc.localDescription.sdp, [])
        return pc


async def serve(mode: str) -> None:
    engine = SfuEngine() if mode == "forward" else None
    transcoder = Transcoder() if mode == "transcode" else None
    inboxes: dict[str, Inbox] = {}
    viewer_pcs: dict[str, RTCPeerConnection] = {}
    boxes: dict[str, asyncio.Queue[Any]] = {}

    def box(key: str) -> asyncio.Queue[Any]:
        return boxes.setdefault(key, asyncio.Queue())

    async def join(request: web.Request) -> web.Response:
        name = (await request.json())["name"]
        inbox = inboxes[name] = Inbox()
        if engine is not None:
            await engine.join(ROOM, name, inbox)
        elif not name.startswith("pub"):
            viewer_pcs[name] = await transcoder.join(inbox)  # type: ignore[union-attr]
        return web.json_response({})

    async def publish(request: web.Request) -> web.Response:
        body = await request.json()
        if engine is not None:
            answer = await engine.publish(ROOM, body["name"], body["sdp"], body["sources"])
        else:
            answer = await transcoder.publish(body["sdp"])  # type: ignore[union-attr]
        return web.json_response({"sdp": answer})

    async def offer(request: web.Request) -> web.Response:
        inbox = inboxes[request.query["name"]]
        with contextlib.suppress(TimeoutError):
            return web.json_response(await asyncio.wait_for(inbox.offers.get(), 20))
        return web.json_response({})

    async def answer(request: web.Request) -> web.Response:
        body = await request.json()
        if engine is not None:
            await engine.answer_downstream(ROOM, body["name"], body["sdp"])
        else:
            pc = viewer_pcs[body["name"]]
            await pc.setRemoteDescription(RTCSessionDescription(body["sdp"], "answer"))
        return web.json_response({})

    async def put(request: web.Request) -> web.Response:
        await box(request.match_info["key"]).put(await request.json())
        return web.json_response({})

    async def take(request: web.Request) -> web.Response:
        return web.json_response(await box(request.match_info["key"]).get())

    app = web.Application()
    app.add_routes(
        [
            web.post("/join", join),
            web.post("/publish", publish),
            web.get("/offer", offer),
            web.post("/answer", answer),
            web.post("/box/{key}", put),
            web.get("/box/{key}", take),
        ]
    )
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    print(f"READY http://127.0.0.1:{port}", flush=True)
    await stdin_closed()
    if engine is not None:
        await engine.close()
    for pc in [*(transcoder.pcs if transcoder else [])]:
        await pc.close()
    await runner.cleanup()


# ---------------------------------------------------------------- publisher process


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


# ---------------------------------------------------------------- viewer processes


class Viewer:
    """A client that taps its receivers and keeps (frame number, send time, latency)."""

    def __init__(self, name: str):
        self.name = name
        self.pc = RTCPeerConnection(config())
        self.frames: list[tuple[int, float, float]] = []
        self.joined = 0.0
        self.first = asyncio.get_running_loop().create_future()

    def sink(self, frame: Any) -> None:
        now = time.time()
        if not self.first.done():
            self.first.set_result(now)
        magic, number, sent = TRAILER.unpack_from(frame.data, len(frame.data) - TRAILER.size)
        if magic == MAGIC:  # transcoded frames lose it
            self.frames.append((number, sent, (now - sent) * 1000))

    def tap(self) -> None:
        for transceiver in self.pc.getTransceivers():
            receiver = transceiver.receiver
            if not hasattr(receiver, "bench_tapped"):
                receiver.bench_tapped = True  # type: ignore[attr-defined]
                assembler = tap_receiver(receiver, transceiver.kind)
                assembler.sink = self.sink
                assembler.on_loss = assembler.request_keyframe

    async def run_sfu(self, http: ClientSession) -> None:
        self.joined = time.time()
        await post(http, "/join", name=self.name)
        while True:
            async with http.get("/offer", params={"name": self.name}) as response:
                offer = await response.json()
            if offer:
                await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
                self.tap()
                await self.pc.setLocalDescription(await self.pc.createAnswer())
                await post(http, "/answer", name=self.name, sdp=self.pc.localDescription.sdp)

    async def run_direct(self, http: ClientSession) -> None:
        async with http.get("/box/direct-offer") as response:
            offer = await response.json()
        await self.pc.setRemoteDescription(RTCSessionDescription(offer["sdp"], "offer"))
        self.tap()
        await self.pc.setLocalDescription(await self.pc.createAnswer())
        await post(http, "/box/direct-answer", sdp=self.pc.localDescription.sdp)


async def view(url: str, names: list[str]) -> None:
    viewers = [Viewer(name) for name in names]
    async with ClientSession(url) as http:
        tasks = [
            asyncio.create_task(v.run_direct(http) if v.name == "direct" else v.run_sfu(http))
            for v in viewers
        ]
        await asyncio.gather(*(v.first for v in viewers))
        print("RECEIVING", flush=True)
        await stdin_closed()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for viewer in viewers:
        await viewer.pc.close()
    result = {
        v.name: {"frames": v.frames, "first_ms": (v.first.result() - v.joined) * 1000}
        for v in viewers
    }
    print("RESULT " + json.dumps(result), flush=True)


# ---------------------------------------------------------------- shared plumbing


async def post(http: ClientSession, path: str, **body: Any) -> dict[str, Any]:
    async with http.post(path, json=body) as response:
        response.raise_for_status()
        return await response.json()


async def stdin_closed() -> None:
    """Children run until the orchestrator closes their stdin (or the hard limit passes)."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(reader.read(), HARD_LIMIT)


def child_main(args: argparse.Namespace) -> None:
    if args.role == "server" and os.environ.get("SFU_BENCH_PROFILE"):
        import cProfile

        profile = cProfile.Profile(time.process_time)  # CPU time, not time preempted
        profile.runcall(asyncio.run, serve(args.mode))
        profile.dump_stats(os.environ["SFU_BENCH_PROFILE"] + args.mode)
    elif args.role == "server":
        asyncio.run(serve(args.mode))
    else:
        # Publisher and viewers stand in for other machines: niced, they do not preempt the
        # server each time its packets wake them, as they could not across a network.
        os.nice(NICE)
    if args.role == "publisher":
        asyncio.run(publish(args.url, args.direct, Path(args.loop)))
    elif args.role == "viewers":
        asyncio.run(view(args.url, args.names.split(",")))


# ---------------------------------------------------------------- orchestrator


class Child:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process

    @classmethod
    async def start(cls, *args: str) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            __file__,
            *args,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
            limit=1 << 26,  # RESULT lines carry every frame's figures
        )
        return cls(process)

    async def line(self, prefix: str, within: float = 90.0) -> str:
        assert self.process.stdout is not None
        while True:
            raw = await asyncio.wait_for(self.process.stdout.readline(), within)
            if not raw:
                raise RuntimeError(f"a bench process ended before saying {prefix}")
            text = raw.decode().strip()
            if text.startswith(prefix):
                return text[len(prefix) :].strip()

    async def stop(self, result: bool = False) -> dict[str, Any]:
        assert self.process.stdin is not None
        self.process.stdin.close()
        out: dict[str, Any] = {}
        if result:
            out = json.loads(await self.line("RESULT", 30))
        try:
            await asyncio.wait_for(self.process.wait(), 60)
        except TimeoutError:
            self.process.kill()
            await self.process.wait()
        return out

    def cpu_seconds(self) -> tuple[float, float]:
        """User and system CPU seconds of the process so far."""
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        tick = os.sysconf("SC_CLK_TCK")
        return int(fields[11]) / tick, int(fields[12]) / tick


def udp_receive_buffer_errors() -> int:
    """Datagrams this machine dropped for full socket receive buffers, so far."""
    lines = [line.split() for line in Path("/proc/net/snmp").read_text().splitlines()]
    names, values = [line for line in lines if line[0] == "Udp:"][:2]
    return int(values[names.index("RcvbufErrors")])


async def measure_cpu(server: Child, seconds: float) -> tuple[float, float]:
    """Percent of one core the process used over `seconds`: user, system."""
    (user, system), started = server.cpu_seconds(), time.monotonic()
    await asyncio.sleep(seconds)
    (user_after, system_after), elapsed = server.cpu_seconds(), time.monotonic() - started
    return (user_after - user) / elapsed * 100, (system_after - system) / elapsed * 100


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan


async def forward_phase(viewers: int, seconds: float, loop: Path) -> dict[str, Any]:
    children: list[Child] = []
    try:
        server = await Child.start("--role", "server", "--mode", "forward")
        children.append(server)
        url = await server.line("READY")
        publisher = await Child.start(
            "--role", "publisher", "--url", url, "--direct", "--loop", str(loop)
        )
        children.append(publisher)
        names = [f"v{i}" for i in range(viewers)]
        groups = [["direct"]] + [
            names[i : i + PER_PROCESS] for i in range(0, len(names), PER_PROCESS)
        ]
        viewing = [
            await Child.start("--role", "viewers", "--url", url, "--names", ",".join(g))
            for g in groups
        ]
        children += viewing
        kbps = float(await publisher.line("READY"))
        for child in viewing:
            await child.line("RECEIVING")
        await asyncio.sleep(1.0)
        window = (time.time(), time.time() + seconds)
        drops = udp_receive_buffer_errors()
        user, system = await measure_cpu(server, seconds)
        drops = udp_receive_buffer_errors() - drops
        cpu = user + system
        window = (window[0], time.time())
        late = await Child.start("--role", "viewers", "--url", url, "--names", "late")
        children.append(late)
        await late.line("RECEIVING")
        await asyncio.sleep(1.0)  # frames of the window still on their way
        results: dict[str, Any] = {}
        for child in [*viewing, late]:
            results.update(await child.stop(result=True))
        sent_log = (await publisher.stop(result=True))["sent"]
    finally:
        for child in children:
            if child.process.returncode is None:
                await child.stop()
    sent = {n for n, t in sent_log if window[0] <= t < window[1]}
    direct = {n: lat for n, _, lat in results["direct"]["frames"]}
    delivered, added = 0, []
    for name in names:
        for number, _, latency in results[name]["frames"]:
            if number in sent:
                delivered += 1
                if number in direct:
                    added.append(latency - direct[number])
    expected = len(sent) * viewers
    return {
        "viewers": viewers,
        "publisher_kbps": round(kbps),
        "server_cpu_pct": round(cpu, 2),
        "server_user_cpu_pct": round(user, 2),
        "server_system_cpu_pct": round(system, 2),
        "cpu_pct_per_viewer_stream": round(cpu / viewers, 3),
        "delivered_ratio": round(delivered / max(expected, 1), 4),
        "frames_sent_in_window": len(sent),
        "added_latency_ms_p50": round(statistics.median(added), 2) if added else None,
        "added_latency_ms_p95": round(percentile(added, 0.95), 2) if added else None,
        "direct_latency_ms_p50": round(statistics.median(direct.values()), 2),
        "late_join_first_frame_ms": round(results["late"]["first_ms"]),
        "udp_receive_buffer_drops_machine": drops,
    }


async def transcode_phase(viewers: int, seconds: float, loop: Path) -> dict[str, Any]:
    children: list[Child] = []
    try:
        server = await Child.start("--role", "server", "--mode", "transcode")
        children.append(server)
        url = await server.line("READY")
        publisher = await Child.start("--role", "publisher", "--url", url, "--loop", str(loop))
        children.append(publisher)
        await publisher.line("READY")
        names = [f"t{i}" for i in range(viewers)]
        viewing = await Child.start("--role", "viewers", "--url", url, "--names", ",".join(names))
        children.append(viewing)
        await viewing.line("RECEIVING")
        await asyncio.sleep(1.0)
        cpu = sum(await measure_cpu(server, seconds))
    finally:
        for child in children:
            await child.stop()
    return {
        "transcode_viewers": viewers,
        "transcode_server_cpu_pct": round(cpu, 2),
        "transcode_cpu_pct_per_viewer_stream": round(cpu / viewers, 3),
    }


async def orchestrate(args: argparse.Namespace) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="sfu-fanout-") as folder:
        loop = Path(folder) / "loop.bin"
        await asyncio.to_thread(save_loop, loop)
        figures = await forward_phase(args.viewers, args.seconds, loop)
        figures.update(await transcode_phase(args.transcode_viewers, min(args.seconds, 6.0), loop))
    figures["transcode_to_forward_cpu_ratio"] = round(
        figures["transcode_cpu_pct_per_viewer_stream"] / figures["cpu_pct_per_viewer_stream"], 1
    )
    figures["seconds"] = args.seconds
    figures["load_average"] = os.getloadavg()[0]
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--viewers", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--transcode-viewers", type=int, default=3)
    parser.add_argument("--role", choices=["server", "publisher", "viewers"])
    parser.add_argument("--mode", choices=["forward", "transcode"], default="forward")
    parser.add_argument("--url")
    parser.add_argument("--names", default="")
    parser.add_argument("--direct", action="store_true")
    parser.add_argument("--loop", help="the pre-encoded frames, made once by the orchestrator")
    args = parser.parse_args()
    if args.role:
        child_main(args)
    else:
        print(json.dumps(asyncio.run(orchestrate(args))), flush=True)


if __name__ == "__main__":
    main()
