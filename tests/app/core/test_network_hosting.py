"""Hosting for others: which addresses are offered, and the port kept across launches."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import ifaddr

from app.core.bundled_server import NetworkListen, local_url, server_command
from app.core.network_hosting import (
    PREFERRED_PORT,
    HostingAddress,
    HostingPort,
    default_route_source,
    reachable_addresses,
)
from app.viewmodels.hosting_text import hosting_text


def _adapters() -> list[ifaddr.Adapter]:
    return [
        ifaddr.Adapter(
            "lo", "lo", [ifaddr.IP("127.0.0.1", 8, "lo"), ifaddr.IP(("::1", 0, 0), 128, "lo")]
        ),
        ifaddr.Adapter(
            "wlan0",
            "wlan0",
            [
                ifaddr.IP("169.254.7.1", 16, "wlan0"),
                ifaddr.IP("192.168.1.20", 24, "wlan0"),
                ifaddr.IP(("fe80::1", 0, 3), 64, "wlan0"),
            ],
        ),
        ifaddr.Adapter("eth0", "eth0", [ifaddr.IP("10.1.2.3", 8, "eth0")]),
    ]


def test_offers_addresses_others_can_reach_with_the_default_route_first() -> None:
    addresses = reachable_addresses(_adapters, route_source=lambda: "10.1.2.3")
    # No loopback, no link-local, no IPv6 (the bundled server listens on IPv4).
    assert addresses == ("10.1.2.3", "192.168.1.20")


def test_only_loopback_means_nothing_to_offer_and_the_owner_is_told() -> None:
    only_lo = [_adapters()[0]]
    addresses = reachable_addresses(lambda: only_lo, route_source=lambda: None)
    assert addresses == ()
    hosting = HostingAddress(8443, addresses)
    assert hosting.public_url is None
    assert "nobody else can join" in hosting_text(hosting, None)


def test_this_machines_default_route_source_is_one_of_its_addresses() -> None:
    source = default_route_source()
    if source is not None:
        assert source in reachable_addresses() or source.startswith("127.")


def test_the_owner_sees_the_address_and_the_fingerprint() -> None:
    hosting = HostingAddress(8443, ("192.168.1.20", "10.1.2.3"))
    text = hosting_text(hosting, "sha256:" + "ab" * 32)
    assert "https://192.168.1.20:8443" in text
    assert "https://10.1.2.3:8443" in text
    assert "AB:AB:AB" in text
    assert hosting_text(None, None) == ""


def test_the_port_is_chosen_once_and_kept(tmp_path: Path) -> None:
    first = HostingPort(tmp_path).get()
    assert 1024 <= first <= 65535
    # Even when that port is busy at the next launch, the kept one is used (and an error
    # names it), so invite links already sent keep working once it is free again.
    assert HostingPort(tmp_path, is_free=lambda port: False).get() == first
    assert json.loads((tmp_path / "hosting.json").read_text()) == {"port": first}


def test_the_preferred_port_is_taken_when_free_else_another(tmp_path: Path) -> None:
    assert HostingPort(tmp_path / "a", is_free=lambda port: True).get() == PREFERRED_PORT
    other = HostingPort(tmp_path / "b", is_free=lambda port: False).get()
    assert other != PREFERRED_PORT


def test_a_damaged_port_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "hosting.json").write_text("{not json")
    port = HostingPort(tmp_path, is_free=lambda port: True).get()
    assert port == PREFERRED_PORT
    (tmp_path / "hosting.json").write_text(json.dumps({"port": 80}))
    assert HostingPort(tmp_path, is_free=lambda port: True).get() == PREFERRED_PORT


def test_a_busy_port_is_seen_as_busy() -> None:
    from app.core.network_hosting import port_is_free

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        assert not port_is_free(busy.getsockname()[1])


def test_shared_command_listens_everywhere_with_links_and_local_registration(
    tmp_path: Path,
) -> None:
    command = server_command(
        tmp_path, python="py", network=NetworkListen(9443, "https://192.168.1.20:9443")
    )
    assert command[command.index("--host") + 1] == "0.0.0.0"
    assert command[command.index("--port") + 1] == "9443"
    assert command[command.index("--registration") + 1] == "local"
    assert command[command.index("--public-url") + 1] == "https://192.168.1.20:9443"
    alone = server_command(tmp_path, python="py", network=NetworkListen(9443, None))
    assert "--public-url" not in alone


def test_the_app_reaches_a_wildcard_server_on_loopback() -> None:
    assert local_url("https://0.0.0.0:9443") == "https://127.0.0.1:9443"
    assert local_url("http://127.0.0.1:5000") == "http://127.0.0.1:5000"
