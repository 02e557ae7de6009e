"""Guests over real signaling: they join their meeting by name, only it, and go when it ends."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from protocol.server_messages import (
    Chat,
    Error,
    Joined,
    Ok,
    ParticipantJoined,
    ParticipantLeft,
    Removed,
    Welcome,
)
from protocol.version import PROTOCOL_VERSION
from server.accounts.guests import GUEST_SESSION_SECONDS
from server.keys import DATABASE, GUESTS, LIVE_CONNECTIONS
from server.store.guests import GUEST_SENDER_NAME, GuestStore
from server.store.meetings import MeetingStore
from tests.server.conftest import Clock
from tests.server.signaling.conftest import Peer, People

MEETING_ENDED = (4011, "the meeting has ended")


async def guest_session(client: TestClient, code: str, name: str = "Gus Guest") -> dict[str, Any]:
    response = await client.post(
        "/api/v1/guest-sessions", json={"code": code, "display_name": name}
    )
    assert response.status == 201, await response.text()
    return await response.json()


async def hosted(people: People, subject: str = "Town hall") -> tuple[dict[str, Any], Peer]:
    token = await people.user("hana")
    meeting = await people.meeting(token, subject)
    host = await people.peer(token)
    assert isinstance(await host.request("join", join_code=meeting["join_code"]), Joined)
    return meeting, host


async def test_a_guest_joins_their_meeting_under_their_display_name(
    people: People, client: TestClient
) -> None:
    meeting, host = await hosted(people)
    guest = await guest_session(client, meeting["join_code"])
    peer = await people.peer(guest["token"], hello=False)
    welcome = await peer.request("hello", version=PROTOCOL_VERSION, token=guest["token"])
    assert isinstance(welcome, Welcome), welcome
    assert (welcome.user_id, welcome.name) == (guest["user_id"], "Gus Guest")

    joined = await peer.request("join", join_code=meeting["join_code"])
    assert isinstance(joined, Joined), joined
    everyone = {p.name: p for p in joined.participants}
    assert everyone["Gus Guest"].guest and everyone["Gus Guest"].user_id == guest["user_id"]
    assert not everyone["Hana Tester"].guest
    assert everyone["Gus Guest"].role == "attendee"
    seen = await host.next_of(ParticipantJoined)
    assert (seen.participant.name, seen.participant.guest) == ("Gus Guest", True)
    # A guest takes part like anyone: chat reaches the host, signed with the guest's name.
    assert isinstance(await peer.request("chat_send", body="hello from a guest"), Ok)
    chat = await host.next_of(Chat)
    assert (chat.message.sender_name, chat.message.body) == ("Gus Guest", "hello from a guest")


async def test_a_guest_session_is_good_for_its_meeting_only(
    people: People, client: TestClient
) -> None:
    meeting, _host = await hosted(people)
    other = await people.meeting(await people.user("olga"), "Board meeting")
    guest = await guest_session(client, meeting["join_code"])
    peer = await people.peer(guest["token"])
    # Another meeting's code and a code that names none get the same refusal.
    for code in (other["join_code"], "aaaa-bbbb-cccc"):
        refused = await peer.request("join", join_code=code)
        assert isinstance(refused, Error), refused
        assert refused.code == "guest_wrong_meeting"
        assert "invite" in refused.message
    assert await peer.answers()
    assert isinstance(await peer.request("join", join_code=meeting["join_code"]), Joined)


async def test_the_guest_session_and_the_guests_data_end_with_the_meeting(
    people: People, client: TestClient
) -> None:
    meeting, host = await hosted(people)
    code = meeting["join_code"]
    inside = await guest_session(client, code, "Inga Inside")
    outside = await guest_session(client, code, "Otto Outside")
    in_peer = await people.peer(inside["token"])
    assert isinstance(await in_peer.request("join", join_code=code), Joined)
    out_peer = await people.peer(outside["token"])  # said hello, never joined
    assert isinstance(await in_peer.request("chat_send", body="bye"), Ok)
    await host.next_of(Chat)

    assert isinstance(await host.request("host_action", action="end_meeting"), Ok)
    removed = await in_peer.next_of(Removed)
    assert removed.reason == "the meeting has ended"
    assert await in_peer.closed() == MEETING_ENDED
    assert await out_peer.closed() == MEETING_ENDED

    # Forgotten: no guest row is left, and their chat stays in the meeting signed "Guest".
    db = client.app[DATABASE]
    assert await GuestStore(db).count() == 0
    kept = await MeetingStore(db).chat(meeting["id"])
    assert [(m.sender_name, m.sender_guest_id, m.body) for m in kept] == [
        (GUEST_SENDER_NAME, None, "bye")
    ]
    # Their tokens are nobody's now, and the invite makes no new guest for an ended meeting.
    again = await people.peer(inside["token"], hello=False)
    refused = await again.request("hello", version=PROTOCOL_VERSION, token=inside["token"])
    assert isinstance(refused, Error) and refused.code == "unauthorized"
    response = await client.post(
        "/api/v1/guest-sessions", json={"code": code, "display_name": "Late Larry"}
    )
    assert response.status == 410


async def test_the_session_check_keeps_guests_and_expires_them(
    people: People, client: TestClient, clock: Clock
) -> None:
    meeting, host = await hosted(people)
    guest = await guest_session(client, meeting["join_code"])
    peer = await people.peer(guest["token"])
    joined = await peer.request("join", join_code=meeting["join_code"])
    assert isinstance(joined, Joined)
    live = client.app[LIVE_CONNECTIONS]
    await live.sweep()  # a live guest session is not taken for an ended one
    assert await peer.answers()

    clock.advance(GUEST_SESSION_SECONDS)
    await live.sweep()
    assert await peer.closed() == (4005, "the session expired; log in again")
    left = await host.next_of(ParticipantLeft)
    assert (left.participant, left.reason) == (joined.you, "session ended")
    assert await GuestStore(client.app[DATABASE]).count() == 0


async def test_the_hourly_purge_forgets_expired_guests_and_signs_their_chat_guest(
    people: People, client: TestClient, clock: Clock
) -> None:
    meeting, host = await hosted(people)
    guest = await guest_session(client, meeting["join_code"])
    peer = await people.peer(guest["token"])
    assert isinstance(await peer.request("join", join_code=meeting["join_code"]), Joined)
    assert isinstance(await peer.request("chat_send", body="still here?"), Ok)
    await host.next_of(Chat)
    guests = client.app[GUESTS]
    assert await guests.purge_expired() == []  # nothing is due yet

    clock.advance(GUEST_SESSION_SECONDS)
    assert await guests.purge_expired() == [-guest["user_id"]]
    assert await peer.closed() == (4005, "the session expired; log in again")
    kept = await MeetingStore(client.app[DATABASE]).chat(meeting["id"])
    assert [(m.sender_name, m.body) for m in kept] == [(GUEST_SENDER_NAME, "still here?")]
    assert await GuestStore(client.app[DATABASE]).count() == 0
