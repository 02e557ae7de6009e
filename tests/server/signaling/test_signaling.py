"""Signaling over the real WebSocket: joining, chat, errors, host controls, resume."""

from __future__ import annotations

import asyncio
import json

from aiohttp.test_utils import TestClient

from protocol.server_messages import (
    Chat,
    Error,
    Joined,
    MuteRequested,
    Ok,
    ParticipantJoined,
    ParticipantLeft,
    ParticipantUpdated,
    Removed,
    Welcome,
)
from protocol.version import PROTOCOL_VERSION
from tests.server.signaling.conftest import People


async def joined(people: People, name: str, code: str):
    token = await people.user(name)
    peer = await people.peer(token)
    reply = await peer.request("join", join_code=code)
    assert isinstance(reply, Joined), reply
    return peer, reply


async def test_hello_is_required_and_checked(people: People) -> None:
    token = await people.user("ann")
    peer = await people.peer(token, hello=False)
    reply = await peer.request("join", join_code="abcd-efgh-jkmn")
    assert isinstance(reply, Error) and reply.code == "not_authenticated"
    reply = await peer.request("hello", version=PROTOCOL_VERSION + 1, token=token)
    assert isinstance(reply, Error) and reply.code == "unsupported_version"
    reply = await peer.request("hello", version=PROTOCOL_VERSION, token="not-a-token")
    assert isinstance(reply, Error) and reply.code == "unauthorized"
    reply = await peer.request("hello", version=PROTOCOL_VERSION, token=token)
    assert isinstance(reply, Welcome) and reply.name == "Ann Tester"


async def test_foreign_browser_origins_are_refused(client: TestClient) -> None:
    response = await client.get(
        "/api/v1/ws",
        headers={
            "Origin": "https://evil.example",
            "Connection": "Upgrade",
            "Upgrade": "websocket",
            "Sec-WebSocket-Version": "13",
            "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        },
    )
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "forbidden_origin"


async def test_join_shows_everyone_and_tells_the_others(people: People) -> None:
    host_token = await people.user("hana")
    meeting = await people.meeting(host_token)
    host = await people.peer(host_token)
    reply = await host.request("join", join_code=meeting["join_code"].upper())
    assert isinstance(reply, Joined)
    assert reply.meeting.subject == "Standup"
    assert [p.role for p in reply.participants] == ["host"]
    _guest, guest_joined = await joined(people, "gus", meeting["join_code"])
    assert {p.name for p in guest_joined.participants} == {"Hana Tester", "Gus Tester"}
    event = await host.next_of(ParticipantJoined)
    assert event.participant.name == "Gus Tester" and event.participant.role == "attendee"
    bad = await (await people.peer(await people.user("zed"))).request(
        "join", join_code="zzzz-zzzz-zzzz"
    )
    assert isinstance(bad, Error) and bad.code == "no_such_meeting"


async def test_chat_in_order_private_messages_and_history(people: People) -> None:
    host_token = await people.user("hana")
    code = (await people.meeting(host_token))["join_code"]
    host = await people.peer(host_token)
    host_joined = await host.request("join", join_code=code)
    guest, guest_joined = await joined(people, "gus", code)
    outsider = await people.peer(await people.user("olga"))  # connected, never joined

    for n in range(20):
        assert isinstance(await host.request("chat_send", body=f"message {n}"), Ok)
    for peer in (host, guest):
        bodies = [(await peer.next_of(Chat)).message.body for _ in range(20)]
        assert bodies == [f"message {n}" for n in range(20)]
    # The server, not the client, says who sent it.
    host_chat = await guest.request("chat_send", body="hi host", to=host_joined.you)
    assert isinstance(host_chat, Ok)
    private = await host.next_of(Chat)
    assert private.message.sender == guest_joined.you and private.message.to == host_joined.you
    assert private.message.sender_name == "Gus Tester"

    _late, late_joined = await joined(people, "lea", code)
    assert [m.body for m in late_joined.chat] == [f"message {n}" for n in range(20)]
    assert await outsider.nothing_more(Chat)


async def test_spoofed_sender_and_malformed_messages_get_errors(people: People) -> None:
    host_token = await people.user("hana")
    code = (await people.meeting(host_token))["join_code"]
    host = await people.peer(host_token)
    await host.request("join", join_code=code)
    guest, _guest_joined = await joined(people, "gus", code)

    spoof = await guest.request("chat_send", body="I am the host", sender="someone-else")
    assert isinstance(spoof, Error) and spoof.code == "invalid_message"
    for text, code_expected in [
        ("{not json", "invalid_json"),
        ('{"type": "teleport", "id": "x"}', "unknown_type"),
        ('{"type": "chat_send", "id": "y", "body": 5}', "invalid_message"),
        ('{"type": "chat_send", "id": "z", "body": "a", "body": "b"}', "invalid_json"),
        (json.dumps({"type": "chat_send", "id": "big", "body": "x" * 70000}), "too_large"),
    ]:
        await guest.send_raw(text)
        error = await guest.next_of(Error)
        assert error.code == code_expected, text
    # The meeting goes on for everyone.
    assert isinstance(await guest.request("chat_send", body="still here"), Ok)
    assert (await host.next_of(Chat)).message.body == "still here"
    assert await host.nothing_more(Chat)


async def test_host_controls_and_refusals(people: People) -> None:
    host_token = await people.user("hana")
    code = (await people.meeting(host_token))["join_code"]
    host = await people.peer(host_token)
    host_joined = await host.request("join", join_code=code)
    guest, guest_joined = await joined(people, "gus", code)
    other, other_joined = await joined(people, "ola", code)
    gus, ola = guest_joined.you, other_joined.you

    # An attendee cannot use host controls.
    for action in ("promote", "ask_mute", "remove", "stop_camera", "end_meeting"):
        refused = await guest.request("host_action", action=action, target=ola)
        assert isinstance(refused, Error) and refused.code == "forbidden", action
    refused = await guest.request("host_action", action="remove", target=host_joined.you)
    assert isinstance(refused, Error)

    assert isinstance(await host.request("host_action", action="promote", target=gus), Ok)
    update = await other.next_of(ParticipantUpdated)
    assert update.participant.id == gus and update.participant.role == "presenter"
    assert isinstance(await host.request("host_action", action="demote", target=gus), Ok)
    assert (await other.next_of(ParticipantUpdated)).participant.role == "attendee"

    assert isinstance(await host.request("host_action", action="ask_mute", target=gus), Ok)
    assert (await guest.next_of(MuteRequested)).by == host_joined.you
    assert await other.nothing_more(MuteRequested)

    assert isinstance(await host.request("raise_hand", raised=True), Ok)
    assert (await other.next_of(ParticipantUpdated)).participant.hand is True

    assert isinstance(await host.request("host_action", action="remove", target=gus), Ok)
    assert "removed" in (await guest.next_of(Removed)).reason
    left = await other.next_of(ParticipantLeft)
    assert (left.participant, left.reason) == (gus, "removed")
    await host.request("chat_send", body="after removal")
    assert await guest.nothing_more(Chat)
    rejoin_token = guest.token
    rejoin = await (await people.peer(rejoin_token)).request("join", join_code=code)
    assert isinstance(rejoin, Error) and rejoin.code == "removed"

    assert isinstance(await host.request("host_action", action="end_meeting"), Ok)
    assert (await other.next_of(Removed)).reason == "the meeting has ended"
    late = await (await people.peer(await people.user("lea"))).request("join", join_code=code)
    assert isinstance(late, Error) and late.code == "meeting_ended"


async def test_reconnecting_within_30_seconds_resumes(people: People) -> None:
    host_token = await people.user("hana")
    code = (await people.meeting(host_token))["join_code"]
    host = await people.peer(host_token)
    await host.request("join", join_code=code)
    guest_token = await people.user("gus")
    guest = await people.peer(guest_token)
    first = await guest.request("join", join_code=code)
    await guest.ws.close()
    await host.request("chat_send", body="while you were away")
    again = await people.peer(guest_token)
    resumed = await again.request("join", join_code=code, resume=first.resume)
    assert isinstance(resumed, Joined)
    assert resumed.you == first.you
    assert [p.id for p in resumed.participants].count(first.you) == 1
    assert "while you were away" in [m.body for m in resumed.chat]
    assert await host.nothing_more(ParticipantLeft)
    # Someone else's resume token does not take over the participant.
    thief = await people.peer(await people.user("tia"))
    stolen = await thief.request("join", join_code=code, resume=first.resume)
    assert isinstance(stolen, Joined) and stolen.you != first.you


async def test_a_stopping_server_closes_the_sockets_at_once(
    people: People, client: TestClient
) -> None:
    token = await people.user("gus")
    code = (await people.meeting(token))["join_code"]
    peer = await people.peer(token)
    assert isinstance(await peer.request("join", join_code=code), Joined)
    stopping = asyncio.create_task(client.server.close())
    assert await peer.closed() == (1001, "the server is stopping")
    await asyncio.wait_for(stopping, 15)
