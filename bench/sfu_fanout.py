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
import json
import os
import time
from pathlib import Path

from sfu_bench.common import NICE
from sfu_bench.orchestrator import orchestrate
from sfu_bench.publisher import publish
from sfu_bench.server import serve
from sfu_bench.viewers import view


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
