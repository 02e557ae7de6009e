"""The orchestrator: starts every process, measures the window, and works out the figures."""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sfu_bench.common import PER_PROCESS
from sfu_bench.publisher import save_loop

# Every child runs the benchmark's entry script with its --role.
ENTRY = Path(__file__).resolve().parents[1] / "sfu_fanout.py"


class Child:
    def __init__(self, process: asyncio.subprocess.Process):
        self.process = process

    @classmethod
    async def start(cls, *args: str) -> Child:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            str(ENTRY),
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
