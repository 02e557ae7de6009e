"""Chat fan-out benchmark: one meeting, many chat clients, a message from each every few seconds.

A real podium-server runs on loopback; WORKERS processes each hold their share of the CLIENTS
WebSocket clients, all joined to one meeting. From a common start, every client sends a chat
message every INTERVAL seconds (spread evenly) for SECONDS seconds; every client receives every
room message, its own included. Prints one JSON line: clients, messages sent, the share of the
expected deliveries that arrived, p50/p99 latency from sending to arrival (ms), connections the
server dropped, and the server's CPU seconds during the run. Bounded: setup, run and drain each
have a deadline, and workers still running after them are killed.

    python bench/chat_fanout.py [--clients 1000] [--seconds 60] [--interval 5] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from chat_client import ChatClient
from harness import ENV, running_server

PASSWORD = "bench-password-1"
SETUP_SECONDS = 240.0  # every client connected and joined
DRAIN_SECONDS = 15.0  # after the last message is sent, for the last deliveries
PADDING = "x" * 160  # a chat body about the size of an encrypted envelope
JOIN_CONCURRENCY = 20


# The worker side: one process holding many clients.


async def send_on_schedule(
    client: ChatClient, start: float, interval: float, rounds: int, offset: float
) -> int:
    """Send `rounds` chat messages, one per `interval` from `start + offset`; return how many."""
    sent = 0
    for seq in range(rounds):
        delay = start + offset + seq * interval - time.time()
        if delay > 0:
            await asyncio.sleep(delay)
        body = f"{client.index}:{seq}:{time.time():.6f}:{PADDING}"
        if not client.send_json({"type": "chat_send", "id": f"c{seq}", "body": body}):
            break
        sent += 1
    return sent


async def worker(spec: dict[str, Any]) -> dict[str, Any]:
    clients_total, interval, rounds = spec["clients_total"], spec["interval"], spec["rounds"]
    expected = clients_total * rounds
    address = urlsplit(spec["url"])
    host, port = address.hostname or "127.0.0.1", address.port or 80
    loop = asyncio.get_running_loop()
    histogram: Counter[int] = Counter()
    clients = [
        ChatClient(i, f"{host}:{port}", spec["token"], spec["code"], expected, histogram)
        for i in spec["indices"]
    ]
    gate = asyncio.Semaphore(JOIN_CONCURRENCY)

    async def connect(client: ChatClient) -> None:
        async with gate:
            await loop.create_connection(lambda: client, host, port)
            await asyncio.wait_for(client.joined, SETUP_SECONDS)

    await asyncio.gather(*(connect(c) for c in clients))
    print("READY", flush=True)
    start = float(await asyncio.to_thread(sys.stdin.readline))
    cpu = time.process_time()
    sent = await asyncio.gather(
        *(
            send_on_schedule(c, start, interval, rounds, interval * c.index / clients_total)
            for c in clients
        )
    )
    deadline = start + rounds * interval + DRAIN_SECONDS
    await asyncio.wait([c.done for c in clients], timeout=max(0.0, deadline - time.time()))
    dropped = [c for c in clients if c.closed.done()]
    result = {
        "sent": sum(sent),
        "received": sum(c.received for c in clients),
        "dropped": len(dropped),
        "close_codes": Counter(str(c.close_code) for c in dropped),
        "histogram": dict(histogram),
        "cpu_s": time.process_time() - cpu,
    }
    for client in clients:
        client.close()
    await asyncio.wait([c.closed for c in clients], timeout=10)
    return result


# The coordinating side.


async def prepare(url: str, workers: int) -> tuple[list[str], str]:
    """One account and session per worker (argon2 is slow), and the meeting they all join."""
    tokens = []
    async with aiohttp.ClientSession(base_url=url) as http:
        for n in range(workers):
            name = f"chatter{n}"
            account = {
                "first_name": name,
                "last_name": "Bench",
                "username": name,
                "email": f"{name}@example.org",
                "password": PASSWORD,
            }
            (await http.post("/api/v1/accounts", json=account)).raise_for_status()
            login = {"login": name, "password": PASSWORD}
            response = await http.post("/api/v1/sessions", json=login)
            response.raise_for_status()
            tokens.append((await response.json())["token"])
        response = await http.post(
            "/api/v1/meetings",
            json={"subject": "Chat fan-out"},
            headers={"Authorization": f"Bearer {tokens[0]}"},
        )
        response.raise_for_status()
        return tokens, (await response.json())["join_code"]


def cpu_seconds(pid: int) -> tuple[float, float]:
    """User and system CPU time of a process so far (Linux /proc)."""
    with open(f"/proc/{pid}/stat") as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    tick = os.sysconf("SC_CLK_TCK")
    return int(fields[11]) / tick, int(fields[12]) / tick


def percentile(histogram: Counter[int], share: float) -> float:
    total = sum(histogram.values())
    if total == 0:
        return float("nan")
    rank, seen = share * total, 0
    for millis in sorted(histogram):
        seen += histogram[millis]
        if seen >= rank:
            return float(millis)
    return float(max(histogram))


def run(args: argparse.Namespace) -> dict[str, Any]:
    rounds = int(args.seconds // args.interval)
    with running_server() as (server, url), tempfile.TemporaryDirectory() as tmp:
        tokens, code = asyncio.run(prepare(url, args.workers))
        processes, specs = [], []
        for n in range(args.workers):
            spec = {
                "url": url,
                "token": tokens[n],
                "code": code,
                "indices": list(range(n, args.clients, args.workers)),
                "clients_total": args.clients,
                "interval": args.interval,
                "rounds": rounds,
                "result": str(Path(tmp) / f"worker{n}.json"),  # a pipe could fill up first
            }
            specs.append(spec)
            processes.append(
                subprocess.Popen(
                    [sys.executable, __file__, "--worker", json.dumps(spec)],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    text=True,
                    env=ENV,
                )
            )
        try:
            for process in processes:
                assert process.stdout is not None
                if process.stdout.readline().strip() != "READY":
                    raise SystemExit("a worker could not connect its clients")
            start = time.time() + 1.0
            cpu_before = cpu_seconds(server.pid)
            for process in processes:
                assert process.stdin is not None
                process.stdin.write(f"{start}\n")
                process.stdin.flush()
            deadline = start + args.seconds + SETUP_SECONDS
            for process in processes:
                process.wait(timeout=max(1.0, deadline - time.time()))
            cpu_after = cpu_seconds(server.pid)
            results = [json.loads(Path(spec["result"]).read_text()) for spec in specs]
            user, system = cpu_after[0] - cpu_before[0], cpu_after[1] - cpu_before[1]
        finally:
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
    histogram: Counter[int] = Counter()
    for result in results:
        histogram.update({int(k): v for k, v in result["histogram"].items()})
    sent = sum(r["sent"] for r in results)
    received = sum(r["received"] for r in results)
    return {
        "clients": args.clients,
        "workers": args.workers,
        "seconds": args.seconds,
        "interval_s": args.interval,
        "messages_sent": sent,
        "deliveries_expected": sent * args.clients,
        "delivered_ratio": round(received / (sent * args.clients), 5) if sent else 0.0,
        "latency_ms_p50": percentile(histogram, 0.50),
        "latency_ms_p99": percentile(histogram, 0.99),
        "latency_ms_max": float(max(histogram)) if histogram else float("nan"),
        "dropped_connections": sum(r["dropped"] for r in results),
        "dropped_close_codes": dict(sum((Counter(r["close_codes"]) for r in results), Counter())),
        "server_cpu_s": round(user + system, 2),
        "server_system_cpu_s": round(system, 2),
        "clients_cpu_s": round(sum(r["cpu_s"] for r in results), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--interval", type=float, default=5.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        Path(spec["result"]).write_text(json.dumps(asyncio.run(worker(spec))))
        return
    print(json.dumps({"bench": "chat_fanout", **run(args)}))


if __name__ == "__main__":
    main()
