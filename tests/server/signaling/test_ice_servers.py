"""ICE servers in welcome: [ice] stun as configured, TURN with coturn's use-auth-secret credentials.

That coturn accepts these credentials is shown for real in tests/netns (case c, TURN only).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import replace
from pathlib import Path

import pytest

from protocol.server_messages import IceServer, Welcome
from protocol.version import PROTOCOL_VERSION
from server.ice_servers import IceServers, turn_credential
from server.settings import Settings
from tests.server.conftest import Clock
from tests.server.signaling.conftest import People

STUN = ("stun:203.0.113.5:3478",)
TURN = ("turn:203.0.113.5:3478?transport=udp", "turn:203.0.113.5:3478?transport=tcp")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        data_dir=tmp_path / "data",
        key_source="file",
        ice_stun=STUN,
        ice_turn=TURN,
        turn_secret="north-wind",
        turn_ttl_seconds=600,
    )


def test_the_credential_is_coturns_hmac_of_the_username() -> None:
    expected = base64.b64encode(hmac.new(b"s3cret", b"1700000600:42", hashlib.sha1).digest())
    assert turn_credential("s3cret", "1700000600:42") == expected.decode()
    assert turn_credential("s3cret", "1700000600:42") != turn_credential("other", "1700000600:42")


def test_turn_is_listed_with_a_username_that_expires_after_the_ttl() -> None:
    clock = Clock(1_700_000_000.5)
    servers = IceServers(STUN, TURN, "s3cret", 600, clock).for_user(42)
    assert servers == (
        IceServer(urls=STUN),
        IceServer(
            urls=TURN,
            username="1700000600:42",
            credential=turn_credential("s3cret", "1700000600:42"),
        ),
    )
    clock.advance(100)
    later = IceServers(STUN, TURN, "s3cret", 600, clock).for_user(42)[1]
    assert later.username == "1700000700:42"


def test_turn_without_a_secret_is_withheld_and_nothing_configured_lists_nothing() -> None:
    withheld = IceServers(STUN, TURN, None)
    assert withheld.turn_withheld
    assert withheld.for_user(1) == (IceServer(urls=STUN),)
    assert IceServers().for_user(1) == ()
    assert not IceServers().turn_withheld


async def test_welcome_hands_each_user_their_ice_servers(
    people: People, clock: Clock, settings: Settings
) -> None:
    token = await people.user("ann")
    peer = await people.peer(token, hello=False)
    welcome = await peer.request("hello", version=PROTOCOL_VERSION, token=token)
    assert isinstance(welcome, Welcome)
    stun, turn = welcome.ice_servers
    assert stun == IceServer(urls=STUN)
    assert turn.urls == TURN
    expiry = int(clock()) + settings.turn_ttl_seconds
    assert turn.username == f"{expiry}:{welcome.user_id}"
    assert turn.credential == turn_credential("north-wind", f"{expiry}:{welcome.user_id}")


def test_settings_without_ice_give_an_empty_list(settings: Settings) -> None:
    bare = replace(settings, ice_stun=(), ice_turn=(), turn_secret=None)
    assert IceServers.from_settings(bare, Clock()).for_user(7) == ()
