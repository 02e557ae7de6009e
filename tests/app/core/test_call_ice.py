"""The call's peer connections use the ICE servers welcome listed; relay only uses TURN only."""

from __future__ import annotations

import pytest
from aiortc.rtcconfiguration import RTCBundlePolicy, RTCIceTransportPolicy
from aiortc.rtcicetransport import connection_kwargs

from app.core.meeting.call import ice_configuration
from app.core.meeting.signaling_client import SignalingError
from protocol.server_messages import IceServer

STUN = IceServer(urls=("stun:203.0.113.5:3478",))
TURN = IceServer(urls=("turn:203.0.113.5:3478",), username="1800000600:3", credential="c2VjcmV0")


def test_the_servers_reach_aioice_with_their_credentials() -> None:
    configuration = ice_configuration((STUN, TURN), relay_only=False)
    assert configuration.iceTransportPolicy == RTCIceTransportPolicy.ALL
    assert configuration.bundlePolicy == RTCBundlePolicy.MAX_BUNDLE
    # What aiortc's gatherer hands aioice for these servers.
    assert connection_kwargs(configuration.iceServers or []) == {
        "stun_server": ("203.0.113.5", 3478),
        "turn_server": ("203.0.113.5", 3478),
        "turn_ssl": False,
        "turn_transport": "udp",
        "turn_username": "1800000600:3",
        "turn_password": "c2VjcmV0",
    }


def test_no_servers_means_no_stun_either() -> None:
    # An empty list, not aiortc's default (a public STUN server): nothing is contacted.
    assert ice_configuration((), relay_only=False).iceServers == []


def test_relay_only_uses_the_relay_policy_and_needs_a_turn_server() -> None:
    assert ice_configuration((TURN,), relay_only=True).iceTransportPolicy == (
        RTCIceTransportPolicy.RELAY
    )
    with pytest.raises(SignalingError, match="no TURN server"):
        ice_configuration((STUN,), relay_only=True)
