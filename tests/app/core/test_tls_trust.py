"""TLS trust against real TLS servers: pinned, confirmed, changed, invite pins and a test CA."""

from __future__ import annotations

import json
import os
import socket
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from app.core.api import (
    CERTIFICATE_CHANGED,
    UNREACHABLE,
    UNTRUSTED_CERTIFICATE,
    ApiClient,
    ApiError,
)
from app.core.meeting.call import Call
from app.core.tls_trust import PinStore, TlsTrust, grouped_fingerprint, ssl_option
from tests.app.core.test_api_client import PASSWORD, account
from tests.app.core.tls_servers import ca_signed_server, make_test_ca, self_signed_server

OTHER_PIN = "sha256:" + "ab" * 32


def trust_in(config_dir: Path) -> TlsTrust:
    return TlsTrust(PinStore(config_dir))


async def register_and_log_in(api: ApiClient, name: str = "ann") -> str:
    await api.register(account(name))
    return (await api.login(name, PASSWORD)).token


async def failure_of(api: ApiClient) -> ApiError:
    with pytest.raises(ApiError) as caught:
        await api.health()
    return caught.value


async def test_a_pinned_self_signed_server_works_for_rest_and_signaling(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        trust = trust_in(tmp_path / "config")
        trust.trust(server.url, server.pin)
        async with ApiClient(server.url, ssl=trust.ssl_for(server.url)) as api:
            token = await register_and_log_in(api)
            me = await api.me()
        call = Call(server.url, token, ssl=trust.ssl_for(server.url))
        try:
            await call.connect()  # the WebSocket over TLS, and hello/welcome through it
            assert call.user_id == me.id
        finally:
            await call.close()


async def test_without_a_pin_the_error_names_the_presented_pin(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        trust = trust_in(tmp_path / "config")
        assert trust.ssl_for(server.url) is True  # nothing pinned: the system's trust store
        async with ApiClient(server.url, ssl=trust.ssl_for(server.url)) as api:
            error = await failure_of(api)
        assert error.code == UNTRUSTED_CERTIFICATE
        assert error.details["pin"] == server.pin
        assert server.pin in error.message and "not trusted" in error.message
        assert trust.pin_for(server.url) is None
        assert not PinStore(tmp_path / "config").path.exists()


async def test_a_confirmed_pin_is_kept_across_restarts_of_the_app(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        trust_in(tmp_path / "config").trust(server.url + "/", server.pin)
        # A new TlsTrust, as the next launch of the app builds it, reads the pin from the file.
        later = trust_in(tmp_path / "config")
        assert later.pin_for(server.url) == server.pin
        saved = json.loads((tmp_path / "config" / "certificate_pins.json").read_text())
        assert saved == {"pins": {f"https://127.0.0.1:{server.port}": server.pin}}
        async with ApiClient(server.url, ssl=later.ssl_for(server.url)) as api:
            assert (await api.health())["status"] == "ok"


async def test_a_changed_certificate_on_the_same_origin_is_refused(tmp_path: Path) -> None:
    data = tmp_path / "server"
    trust = trust_in(tmp_path / "config")
    with self_signed_server(data) as first:
        trust.trust(first.url, first.pin)
    # The operator (or someone in between) now presents another certificate on that address.
    for name in ("cert.pem", "key.pem"):
        (data / "tls" / name).unlink()
    with self_signed_server(data, "--port", str(first.port)) as second:
        assert second.url == first.url and second.pin != first.pin
        async with ApiClient(second.url, ssl=trust.ssl_for(second.url)) as api:
            error = await failure_of(api)
        assert error.code == CERTIFICATE_CHANGED
        assert error.details == {"pinned": first.pin, "presented": second.pin}
        assert "identity" in error.message and "attack" in error.message
        assert trust.pin_for(second.url) == first.pin  # nothing was replaced
        # Forgetting the old pin (the user's deliberate step) brings back the question.
        assert trust.forget(second.url)
        async with ApiClient(second.url, ssl=trust.ssl_for(second.url)) as api:
            assert (await failure_of(api)).details["pin"] == second.pin


async def test_an_invite_pin_is_kept_only_when_the_server_presents_it(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        trust = trust_in(tmp_path / "config")
        with pytest.raises(ApiError) as caught:
            await trust.accept_invite_pin(server.url, OTHER_PIN)
        assert caught.value.code == CERTIFICATE_CHANGED
        assert caught.value.details == {"pinned": OTHER_PIN, "presented": server.pin}
        assert trust.pin_for(server.url) is None
        await trust.accept_invite_pin(server.url, server.pin.upper().replace("SHA256", "sha256"))
        assert trust.pin_for(server.url) == server.pin
        async with ApiClient(server.url, ssl=trust.ssl_for(server.url)) as api:
            assert (await api.health())["status"] == "ok"
        # An invite never replaces a pin the user already has for that server.
        await trust.accept_invite_pin(server.url, OTHER_PIN)
        assert trust.pin_for(server.url) == server.pin


def run_bot(server: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "app.bot", "--server", server, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


BOT_JOIN = ("--login", "ann", "--password", PASSWORD, "--create", "TLS", "--publish", "none")


async def test_podium_bot_with_pin_and_without(tmp_path: Path) -> None:
    with self_signed_server(tmp_path / "server") as server:
        async with ApiClient(server.url, ssl=ssl_option(server.url, server.pin)) as api:
            await register_and_log_in(api)
        refused = run_bot(server.url, *BOT_JOIN, "--seconds", "0")
        assert refused.returncode == 1
        lines = refused.stderr.strip().splitlines()
        assert len(lines) == 1, refused.stderr
        assert f"--pin {server.pin}" in lines[0] and "not trusted" in lines[0]
        joined = run_bot(server.url, "--pin", server.pin, *BOT_JOIN, "--seconds", "0")
        assert joined.returncode == 0, joined.stderr
        assert joined.stdout.startswith("created meeting")


def test_podium_bot_rejects_a_bad_pin(tmp_path: Path) -> None:
    bad = run_bot("https://127.0.0.1:1", "--pin", "sha256:xyz", *BOT_JOIN)
    assert bad.returncode == 2
    assert "--pin" in bad.stderr and "64 hexadecimal digits" in bad.stderr
    assert "Traceback" not in bad.stderr


async def test_a_server_signed_by_a_ca_in_the_trust_store_needs_no_pin(tmp_path: Path) -> None:
    ca = make_test_ca(tmp_path / "ca")
    with ca_signed_server(tmp_path / "server", ca) as server:
        context = ssl.create_default_context(cafile=str(ca.ca_cert))
        async with ApiClient(server.url, ssl=context) as api:
            await register_and_log_in(api)
        # SSL_CERT_FILE is read by the child's OpenSSL: the system trust store, as the app uses.
        joined = run_bot(
            server.url, *BOT_JOIN, "--seconds", "0", env={"SSL_CERT_FILE": str(ca.ca_cert)}
        )
        assert joined.returncode == 0, joined.stderr
        assert joined.stdout.startswith("created meeting")
        # The same server without that CA is not trusted, and the bot says which pin it saw.
        refused = run_bot(
            server.url, *BOT_JOIN, "--seconds", "0", env={"SSL_CERT_FILE": os.devnull}
        )
        assert refused.returncode == 1
        assert f"--pin {server.pin}" in refused.stderr


def test_fingerprints_are_shown_in_readable_groups() -> None:
    shown = grouped_fingerprint("sha256:" + "0123456789abcdef" * 4)
    assert shown.splitlines() == ["01:23:45:67:89:AB:CD:EF"] * 4


def test_an_unreadable_pins_file_counts_as_no_pins(tmp_path: Path) -> None:
    store = PinStore(tmp_path)
    store.path.write_text("{not json")
    assert store.load() == {}
    store.path.write_text(
        json.dumps({"pins": {"https://a:443": "junk", "https://b:443": OTHER_PIN}})
    )
    assert store.load() == {"https://b:443": OTHER_PIN}
    assert trust_in(tmp_path).pin_for("https://B/") == OTHER_PIN
    assert ssl_option("http://b", OTHER_PIN) is True


async def test_an_invite_pin_for_a_server_not_there_is_unreachable_not_pinned(
    tmp_path: Path,
) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"https://127.0.0.1:{sock.getsockname()[1]}"
    trust = trust_in(tmp_path / "config")
    with pytest.raises(ApiError) as caught:
        await trust.accept_invite_pin(url, OTHER_PIN)
    assert caught.value.code == UNREACHABLE and url in caught.value.message
    assert trust.pin_for(url) is None
