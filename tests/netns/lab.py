"""A small network lab in Linux network namespaces: hosts around one router, nftables, processes.

Every host is a namespace with one veth link to the router namespace, on its own small subnet,
with the router as its default gateway; the router forwards between them and its nftables rules
make the NAT or firewall a case needs. Names carry a random tag, so labs of tests running at the
same time never meet; interfaces are made inside the namespaces, where their names are private.
`Lab` is a context manager: on the way out, whatever happened, it stops every process it started
and deletes its namespaces (which takes their links with them).

Needs root and iproute2's `ip`; nftables' `nft` for rules. `missing()` says what is lacking, for
a clear skip.
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import shutil
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any

STOP_SECONDS = 10.0


def missing(*programs: str) -> str | None:
    """Why these tests cannot run here (not root, a program missing, no namespaces), or None."""
    if os.geteuid() != 0:
        return "network namespace tests need root"
    for program in ("ip", *programs):
        if shutil.which(program) is None:
            return f"network namespace tests need `{program}` (Debian: iproute2, nftables, coturn)"
    probe = f"pdprobe{secrets.token_hex(3)}"
    made = subprocess.run(["ip", "netns", "add", probe], capture_output=True, text=True)
    if made.returncode != 0:
        return f"cannot create a network namespace here: {made.stderr.strip()}"
    try:
        # In a chroot whose / is no mount point (make test-fresh), `ip netns exec` cannot
        # remount / for the namespace, though `ip netns add` works.
        entered = subprocess.run(
            ["ip", "netns", "exec", probe, "true"], capture_output=True, text=True
        )
        if entered.returncode != 0:
            return f"cannot run programs in a network namespace here: {entered.stderr.strip()}"
    finally:
        subprocess.run(["ip", "netns", "del", probe], capture_output=True)
    return None


@dataclass(frozen=True)
class Host:
    """A namespace on the lab's network: its name, its address and its router's."""

    namespace: str
    address: str
    gateway: str


class LabError(RuntimeError):
    """A lab command failed; the command and its output are in the message."""


class Lab:
    """Namespaces around one router namespace; see the module docstring."""

    def __init__(self) -> None:
        self.tag = secrets.token_hex(3)
        self.router = f"pd{self.tag}-router"
        self._namespaces: list[str] = []
        self._processes: list[subprocess.Popen[Any]] = []
        self._links = 0

    def __enter__(self) -> Lab:
        try:
            self._add_namespace(self.router)
            self.run(self.router, "sysctl", "-qw", "net.ipv4.ip_forward=1")
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # Building

    def host(self, name: str, address: str, gateway: str, prefix: int = 29) -> Host:
        """A namespace linked to the router: `address`/prefix there, `gateway` on the router."""
        network = ipaddress.ip_interface(f"{address}/{prefix}").network
        assert ipaddress.ip_address(gateway) in network, (address, gateway, prefix)
        namespace = f"pd{self.tag}-{name}"
        self._add_namespace(namespace)
        self._links += 1
        outside = f"l{self._links}"
        self.run(
            self.router,
            *("ip", "link", "add", outside, "type", "veth"),
            *("peer", "name", "eth0", "netns", namespace),
        )
        self.run(self.router, "ip", "addr", "add", f"{gateway}/{prefix}", "dev", outside)
        self.run(self.router, "ip", "link", "set", outside, "up")
        self.run(namespace, "ip", "addr", "add", f"{address}/{prefix}", "dev", "eth0")
        self.run(namespace, "ip", "link", "set", "eth0", "up")
        self.run(namespace, "ip", "route", "add", "default", "via", gateway)
        return Host(namespace, address, gateway)

    def nft(self, ruleset: str) -> None:
        """Load an nftables ruleset into the router."""
        self.run(self.router, "nft", "-f", "-", stdin=ruleset)

    def run(self, namespace: str, *argv: str, stdin: str | None = None) -> str:
        """Run a command in a namespace and return its output; LabError when it fails."""
        done = subprocess.run(
            ["ip", "netns", "exec", namespace, *argv],
            input=stdin,
            capture_output=True,
            text=True,
            timeout=30,
        )
        if done.returncode != 0:
            raise LabError(f"{' '.join(argv)} in {namespace}: {done.stderr.strip()}")
        return done.stdout

    # Processes

    def spawn(
        self,
        host: Host,
        argv: Sequence[str],
        *,
        stdout: int | IO[Any] | None = None,
        stderr: int | IO[Any] | None = None,
        stdin: int | None = subprocess.DEVNULL,
        cwd: Path | None = None,
    ) -> subprocess.Popen[str]:
        """Start a process in a host's namespace; it is stopped when the lab closes."""
        # `ip netns exec` execs the command, so the process is the program itself.
        process = subprocess.Popen(
            ["ip", "netns", "exec", host.namespace, *argv],
            stdin=stdin,
            stdout=stdout,
            stderr=stderr,
            text=True,
            cwd=cwd,
        )
        self._processes.append(process)
        return process

    def wait_for(self, condition: Callable[[], bool], within: float, what: str) -> None:
        """Poll `condition` until it holds; LabError after `within` seconds."""
        deadline = time.monotonic() + within
        while not condition():
            if time.monotonic() > deadline:
                raise LabError(f"not within {within} s: {what}")
            time.sleep(0.05)

    def udp_listening(self, host: Host, port: int) -> bool:
        """Whether something in the host's namespace listens on this UDP port."""
        out = self.run(host.namespace, "ss", "-Hlun", f"sport = :{port}")
        return bool(out.strip())

    # Teardown

    def close(self) -> None:
        """Stop every process started here, then delete every namespace; never raises."""
        for process in self._processes:
            if process.poll() is None:
                process.terminate()
        for process in self._processes:
            try:
                process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self._processes.clear()
        for namespace in reversed(self._namespaces):
            # Anything still inside was started in the namespace by one of our processes.
            pids = subprocess.run(
                ["ip", "netns", "pids", namespace], capture_output=True, text=True
            ).stdout.split()
            for pid in pids:
                subprocess.run(["kill", "-9", pid], capture_output=True)
            subprocess.run(["ip", "netns", "del", namespace], capture_output=True)
        self._namespaces.clear()

    def _add_namespace(self, namespace: str) -> None:
        made = subprocess.run(["ip", "netns", "add", namespace], capture_output=True, text=True)
        if made.returncode != 0:
            raise LabError(f"ip netns add {namespace}: {made.stderr.strip()}")
        self._namespaces.append(namespace)
        self.run(namespace, "ip", "link", "set", "lo", "up")
        # IPv4 only: no link-local IPv6 candidates or router solicitations to wait for.
        self.run(namespace, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
        self.run(namespace, "sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
