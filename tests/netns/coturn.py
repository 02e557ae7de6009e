"""coturn (Debian's `turnserver`) as the tests start it: TURN REST API secret, one address only."""

from __future__ import annotations

from pathlib import Path


def coturn_argv(
    address: str, port: int, secret: str, work: Path, relay_ports: tuple[int, int]
) -> list[str]:
    """turnserver's command line: `use-auth-secret` with `secret`, on `address` alone.

    No config file, no CLI, no TLS/DTLS or TCP listeners, its log, pid file and database in
    `work`; relays on `address` within `relay_ports`.
    """
    low, high = relay_ports
    return [
        "turnserver",
        *("-n", "--no-cli", "--use-auth-secret", "--static-auth-secret", secret),
        *("--realm", "podium.test", "--fingerprint"),
        *("--listening-ip", address, "--relay-ip", address, "--listening-port", str(port)),
        *("--min-port", str(low), "--max-port", str(high)),
        *("--no-tls", "--no-dtls", "--no-tcp", "--no-tcp-relay", "--no-multicast-peers"),
        *("--log-file", str(work / "turn.log"), "--simple-log", "--no-stdout-log"),
        *("--pidfile", str(work / "turn.pid"), "--userdb", str(work / "turndb")),
    ]
