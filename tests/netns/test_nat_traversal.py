"""Media through NAT and firewalls, for real: podium-server and two podium-bots in namespaces.

Each case builds its own network (lab.py) with documentation addresses: 203.0.113.0/24 is the
"internet", 198.51.100.0/24 and 192.0.2.0/24 are private networks behind NAT. The server runs
with TLS (its self-signed certificate). The host, a member, starts the meeting sharing a screen
as well; the other bot has no account and joins with nothing but the invite link the host's
bot printed (the link's pin is how it trusts the certificate). Each must receive the other's
video, audio and chat, and the guest the host's screen, while both are in the meeting:

(a) both clients behind NAT (masquerade; nothing new gets in), the server public;
(b) the server behind 1:1 NAT (DNAT of its HTTPS port and its [media] udp_ports range only,
    SNAT out), announcing [media] public_ip, and the clients behind NAT as well: neither side's
    own address is reachable, so media flows only to the announced address (and, the control,
    without public_ip none does);
(c) no UDP between the clients and the server at all: the bots use --relay-only, through a
    coturn (use-auth-secret) the test starts, with the credentials the server put in welcome.
"""

from __future__ import annotations

import json
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

from server.tls import certificate_pin
from tests.netns.coturn import coturn_argv
from tests.netns.lab import Host, Lab, LabError, missing
from tests.netns.register import PASSWORD

REPO = Path(__file__).resolve().parents[2]
PORT = 8443
UDP_PORTS = (40000, 40019)
TURN_PORT = 3478
TURN_SECRET = "netns-test-secret"
START_WITHIN = 60.0  # seconds for a server or a coturn to be ready on a busy machine
# How long the second bot stays after joining: media has to flow both ways within it.
MEETING_SECONDS = 8.0
# Small and slow test video: two bots encode on a shared machine.
VIDEO = "160x120@15"
SCREEN = "320x240@5"
MIN_VIDEO_FRAMES = 3
MIN_AUDIO_FRAMES = 10
MIN_SCREEN_FRAMES = 2

pytestmark = pytest.mark.skipif(
    (why := missing("nft", "turnserver", "ss")) is not None, reason=str(why)
)


@dataclass(frozen=True)
class Server:
    url: str  # as the clients reach it
    pin: str


@pytest.fixture
def lab() -> Iterator[Lab]:
    with Lab() as lab:
        yield lab


def start_server(
    lab: Lab, host: Host, tmp: Path, config: str, reached_at: str | None = None
) -> Server:
    """podium-server in `host`, serving TLS on its address; ready when it says so."""
    data = tmp / "server-data"
    toml = tmp / "server.toml"
    toml.write_text(config, encoding="utf-8")
    with (tmp / "server.log").open("w", encoding="utf-8") as log:
        process = lab.spawn(
            host,
            [
                sys.executable,
                *("-m", "server", "--data-dir", str(data), "--config", str(toml)),
                *("--host", host.address, "--port", str(PORT), "--log-level", "WARNING"),
                "--exit-with-stdin",
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            cwd=REPO,
        )
    assert process.stdout is not None
    line = Lines(process.stdout).next(START_WITHIN)
    if not line.startswith("PODIUM-SERVER-READY "):
        raise LabError(f"the server did not start: {line!r}\n{log_of(tmp, 'server')}")
    pin = certificate_pin(data / "tls" / "cert.pem")
    return Server(f"https://{reached_at or host.address}:{PORT}", pin)


def start_coturn(lab: Lab, host: Host, tmp: Path) -> None:
    """coturn in `host` with the TURN REST API secret, on that address only."""
    lab.spawn(
        host,
        coturn_argv(host.address, TURN_PORT, TURN_SECRET, tmp, (49160, 49199)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    lab.wait_for(lambda: lab.udp_listening(host, TURN_PORT), START_WITHIN, "coturn listening")


def register(lab: Lab, client: Host, server: Server, *names: str) -> None:
    lab.run(
        client.namespace,
        sys.executable,
        *("-m", "tests.netns.register", server.url, server.pin, *names),
    )


def bot(lab: Lab, host: Host, name: str, tmp: Path, *args: str) -> subprocess.Popen[str]:
    with (tmp / f"{name}.log").open("w", encoding="utf-8") as err:
        return lab.spawn(
            host,
            [sys.executable, "-m", "app.bot", "--report", "--camera-video", VIDEO, *args],
            stdout=subprocess.PIPE,
            stderr=err,
            cwd=REPO,
        )


@dataclass(frozen=True)
class Met:
    """What each bot received of the other's media (by bot name), and the chat."""

    received: dict[str, dict[str, int]]
    chat: dict[str, list[str]]


def meet(lab: Lab, server: Server, first: Host, second: Host, tmp: Path, *args: str) -> Met:
    """ada (a member) starts a meeting sharing a screen; ben joins by her invite link."""
    register(lab, first, server, "ada")
    ada = bot(
        lab,
        first,
        "ada",
        tmp,
        *("--server", server.url, "--pin", server.pin, "--login", "ada"),
        *("--password", PASSWORD, "--create", "Across networks", "--seconds", "600"),
        *("--share", "testsrc", "--screen-video", SCREEN, "--chat", "hello from ada", *args),
    )
    ada_out = Lines(ada.stdout)
    created = ada_out.next(START_WITHIN)
    assert created.startswith("created meeting"), (created, log_of(tmp, "ada"))
    invite = ada_out.next(START_WITHIN).strip()
    assert invite == f"{server.url}/j/{created.split()[-1]}?pin={server.pin}", invite
    ben = bot(
        lab,
        second,
        "ben",
        tmp,
        *("--invite", invite, "--name", "Ben Guest", "--chat", "hello from ben"),
        *("--seconds", str(MEETING_SECONDS), *args),
    )
    ben_report = report_of(ben, Lines(ben.stdout), tmp, "ben")
    ada.send_signal(signal.SIGTERM)  # ada leaves once ben has: her report is printed at exit
    ada_report = report_of(ada, ada_out, tmp, "ada")
    return Met(
        received={
            "ada": ada_report["received"].get(ben_report["participant"], {}),
            "ben": ben_report["received"].get(ada_report["participant"], {}),
        },
        chat={
            "ada": [m["text"] for m in ada_report["chat_received"]],
            "ben": [m["text"] for m in ben_report["chat_received"]],
        },
    )


def assert_media_both_ways(met: Met, tmp: Path) -> None:
    for name, frames in met.received.items():
        logs = (met, log_of(tmp, name), log_of(tmp, "server"))
        assert frames.get("video_frames", 0) >= MIN_VIDEO_FRAMES, logs
        assert frames.get("audio_frames", 0) >= MIN_AUDIO_FRAMES, logs
    assert met.received["ben"].get("screen_frames", 0) >= MIN_SCREEN_FRAMES, met
    assert met.chat == {"ada": ["hello from ben"], "ben": ["hello from ada"]}, met


def test_clients_behind_nat_meet_on_a_public_server(lab: Lab, tmp_path: Path) -> None:
    server_host = lab.host("server", "203.0.113.2", "203.0.113.1")
    ada_host = lab.host("ada", "198.51.100.2", "198.51.100.1")
    ben_host = lab.host("ben", "198.51.100.10", "198.51.100.9")
    lab.nft(
        """
        table ip lab {
            chain postrouting {
                type nat hook postrouting priority srcnat; policy accept;
                ip saddr 198.51.100.0/24 ip daddr != 198.51.100.0/24 masquerade
            }
            chain forward {
                type filter hook forward priority filter; policy accept;
                ct state established,related accept
                ip daddr 198.51.100.0/24 drop
            }
        }
        """
    )
    server = start_server(lab, server_host, tmp_path, "")
    assert_media_both_ways(meet(lab, server, ada_host, ben_host, tmp_path), tmp_path)


@pytest.mark.parametrize("announce", [True, False], ids=["public_ip", "without_public_ip"])
def test_a_server_behind_one_to_one_nat_announces_its_public_address(
    lab: Lab, tmp_path: Path, announce: bool
) -> None:
    public = "203.0.113.100"
    server_host = lab.host("server", "192.0.2.2", "192.0.2.1")
    # The clients are behind NAT too (each its own home router's public address), so the
    # server cannot reach them first: they must reach it, at the address it announces.
    ada_host = lab.host("ada", "198.51.100.2", "198.51.100.1")
    ben_host = lab.host("ben", "198.51.100.10", "198.51.100.9")
    low, high = UDP_PORTS
    lab.nft(
        f"""
        table ip lab {{
            chain prerouting {{
                type nat hook prerouting priority dstnat; policy accept;
                ip daddr {public} tcp dport {PORT} dnat to {server_host.address}
                ip daddr {public} udp dport {low}-{high} dnat to {server_host.address}
            }}
            chain postrouting {{
                type nat hook postrouting priority srcnat; policy accept;
                ip saddr {server_host.address} snat to {public}
                ip saddr 198.51.100.0/29 snat to 203.0.113.50
                ip saddr 198.51.100.8/29 snat to 203.0.113.58
            }}
            chain forward {{
                type filter hook forward priority filter; policy accept;
                ct state established,related accept
                ip daddr {server_host.address} ct status dnat accept
                ip daddr {{ 192.0.2.0/24, 198.51.100.0/24 }} drop
            }}
        }}
        """
    )
    # Behind NAT the server cannot tell its public address from a request: links need it set.
    config = f'[server]\npublic_url = "https://{public}:{PORT}"\n'
    config += f'[media]\nudp_ports = "{low}-{high}"\n'
    if announce:
        config += f'public_ip = "{public}"\n'
    server = start_server(lab, server_host, tmp_path, config, reached_at=public)
    met = meet(lab, server, ada_host, ben_host, tmp_path)
    if announce:
        assert_media_both_ways(met, tmp_path)
    else:  # the control: announcing its own address, the server is out of everyone's reach
        assert met.received == {"ada": {}, "ben": {}}, met


def test_with_udp_to_the_server_blocked_media_goes_through_turn(lab: Lab, tmp_path: Path) -> None:
    server_host = lab.host("server", "203.0.113.2", "203.0.113.1")
    turn_host = lab.host("turn", "203.0.113.10", "203.0.113.9")
    ada_host = lab.host("ada", "203.0.113.18", "203.0.113.17")
    ben_host = lab.host("ben", "203.0.113.26", "203.0.113.25")
    clients = "{ 203.0.113.16/29, 203.0.113.24/29 }"
    lab.nft(
        f"""
        table ip lab {{
            chain forward {{
                type filter hook forward priority filter; policy accept;
                meta l4proto udp ip saddr {clients} ip daddr {server_host.address} drop
                meta l4proto udp ip saddr {server_host.address} ip daddr {clients} drop
            }}
        }}
        """
    )
    start_coturn(lab, turn_host, tmp_path)
    config = (
        "[ice]\n"
        f'turn = ["turn:{turn_host.address}:{TURN_PORT}?transport=udp"]\n'
        f'turn_secret = "{TURN_SECRET}"\n'
        "turn_ttl_seconds = 600\n"
    )
    server = start_server(lab, server_host, tmp_path, config)
    met = meet(lab, server, ada_host, ben_host, tmp_path, "--relay-only")
    assert_media_both_ways(met, tmp_path)


# Helpers


class Lines:
    """A child's stdout line by line, each wait bounded.

    Not select() on the pipe: one read may bring several lines into the stream's buffer, and
    the pipe then has nothing more to say. A reader thread hands them over instead.
    """

    def __init__(self, stream: IO[str] | None) -> None:
        assert stream is not None
        self._lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, args=(stream,), daemon=True).start()

    def next(self, within: float) -> str:
        """The next line ("" at the end of the stream)."""
        try:
            return self._lines.get(timeout=within)
        except queue.Empty:
            raise LabError(f"no line within {within} s") from None

    def last(self, within: float) -> str:
        """The last line before the stream ends."""
        last = ""
        while line := self.next(within):
            last = line
        return last

    def _read(self, stream: IO[str]) -> None:
        for line in iter(stream.readline, ""):
            self._lines.put(line)
        self._lines.put("")


def report_of(process: subprocess.Popen[str], lines: Lines, tmp: Path, name: str) -> dict[str, Any]:
    try:
        last = lines.last(START_WITHIN + MEETING_SECONDS)
        process.wait(timeout=START_WITHIN)
    except (LabError, subprocess.TimeoutExpired):
        process.kill()
        raise
    assert process.returncode == 0, (name, process.returncode, log_of(tmp, name))
    report: dict[str, Any] = json.loads(last)
    return report


def log_of(tmp: Path, name: str) -> str:
    path = tmp / f"{name}.log"
    return path.read_text(encoding="utf-8")[-3000:] if path.exists() else ""
