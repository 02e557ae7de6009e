"""The signaling codec: round trips, and a clear error code for every kind of bad message."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol.client_messages import CLIENT_MESSAGES, ChatSend, HostAction, Join, Publish
from protocol.codec import MAX_MESSAGE_BYTES, Codec, ProtocolError, encode
from protocol.meeting_types import ChatMessage, MeetingInfo, Participant, TrackInfo
from protocol.server_messages import SERVER_MESSAGES, DownstreamOffer, Error, Joined

client_codec = Codec(CLIENT_MESSAGES)
server_codec = Codec(SERVER_MESSAGES)


def test_every_message_type_is_unique_and_named() -> None:
    for group in (CLIENT_MESSAGES, SERVER_MESSAGES):
        types = [cls.TYPE for cls in group]
        assert all(types) and len(set(types)) == len(types)


@given(body=st.text(max_size=200), to=st.none() | st.text(min_size=1, max_size=20))
def test_chat_round_trip(body: str, to: str | None) -> None:
    message = ChatSend(id="7", body=body, to=to)
    assert client_codec.decode(encode(message)) == message


def test_nested_server_messages_round_trip() -> None:
    joined = Joined(
        id="1",
        meeting=MeetingInfo("m1", "Weekly", "ABCD-EFGH", 3),
        you="p1",
        participants=(Participant("p1", 3, "Ann", "host", mic=True),),
        chat=(ChatMessage(1, "p1", "Ann", None, "hello", 1.5),),
        resume="r",
    )
    assert server_codec.decode(encode(joined)) == joined
    offer = DownstreamOffer(sdp="v=0", tracks=(TrackInfo("0", "p1", "camera"),))
    assert server_codec.decode(encode(offer)) == offer


@pytest.mark.parametrize(
    ("text", "code", "request_id"),
    [
        ("{", "invalid_json", None),
        ("[]", "invalid_message", None),
        ('{"id": "1"}', "invalid_message", "1"),
        ('{"type": "teleport", "id": "2"}', "unknown_type", "2"),
        ('{"type": "join", "id": "3"}', "invalid_message", "3"),
        ('{"type": "join", "id": "4", "join_code": 5}', "invalid_message", "4"),
        ('{"type": "join", "id": "5", "join_code": "x", "extra": 1}', "invalid_message", "5"),
        (
            '{"type": "join", "id": "6", "join_code": "a", "join_code": "b"}',
            "invalid_json",
            None,
        ),
        ('{"type": "raise_hand", "id": "7", "raised": 1}', "invalid_message", "7"),
        (
            '{"type": "set_media", "id": "8", "mic": true, "camera": "no", "screen": false}',
            "invalid_message",
            "8",
        ),
        ('{"type": "host_action", "id": "9", "action": "explode"}', "invalid_message", "9"),
        (
            '{"type": "publish", "id": "10", "sdp": "x", "sources": {"0": "webcam"}}',
            "invalid_message",
            "10",
        ),
    ],
)
def test_bad_messages_get_a_code(text: str, code: str, request_id: str | None) -> None:
    with pytest.raises(ProtocolError) as caught:
        client_codec.decode(text)
    assert caught.value.code == code
    assert caught.value.request_id == request_id


def test_oversized_messages_are_refused_before_parsing() -> None:
    text = json.dumps({"type": "chat_send", "id": "1", "body": "x" * MAX_MESSAGE_BYTES})
    with pytest.raises(ProtocolError) as caught:
        client_codec.decode(text)
    assert caught.value.code == "too_large"


def test_a_client_cannot_send_server_messages() -> None:
    with pytest.raises(ProtocolError) as caught:
        client_codec.decode(encode(Error(code="x", message="y")))
    assert caught.value.code == "unknown_type"


def test_defaults_and_literals() -> None:
    assert client_codec.decode('{"type": "join", "id": "1", "join_code": "C"}') == Join("1", "C")
    action = client_codec.decode(
        '{"type": "host_action", "id": "1", "action": "promote", "target": "p2",'
        ' "role": "presenter"}'
    )
    assert action == HostAction("1", "promote", "p2", "presenter")
    publish = client_codec.decode(
        '{"type": "publish", "id": "1", "sdp": "v=0", "sources": {"0": "camera", "1": "screen"}}'
    )
    assert isinstance(publish, Publish) and publish.sources["1"] == "screen"


@given(st.text(max_size=300))
def test_arbitrary_text_never_crashes_the_decoder(text: str) -> None:
    with contextlib.suppress(ProtocolError):
        client_codec.decode(text)
