"""A meeting nobody is in ends by itself after [meetings] empty_end_minutes (a moved clock)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from protocol.server_messages import Error, Joined, Ok
from server.app import create_app
from server.http.accounts import iso
from server.keys import SIGNALING
from server.rooms.registry import RoomRegistry
from server.settings import Settings, SettingsError, settings_from_config
from tests.server.conftest import Clock, bearer
from tests.server.signaling.conftest import People
from tests.server.signaling.test_guests import MEETING_ENDED, guest_session

MINUTE = 60.0


def rooms_of(client: TestClient) -> RoomRegistry:
    rooms = client.app[SIGNALING].rooms
    assert isinstance(rooms, RoomRegistry)
    return rooms


async def listed(client: TestClient, token: str, meeting_id: str) -> dict[str, Any]:
    """The meeting as its organiser's meeting list shows it."""
    response = await client.get("/api/v1/meetings", headers=bearer(token))
    assert response.status == 200, await response.text()
    (meeting,) = [m for m in (await response.json())["meetings"] if m["id"] == meeting_id]
    return dict(meeting)


async def test_a_meeting_nobody_is_in_ends_ten_minutes_after_the_last_one_left(
    people: People, client: TestClient, clock: Clock
) -> None:
    token = await people.user("hana")
    meeting = await people.meeting(token, "Quiet room")
    code = meeting["join_code"]
    host = await people.peer(token)
    assert isinstance(await host.request("join", join_code=code), Joined)
    waiting = await guest_session(client, code, "Wanda Waiting")
    guest = await people.peer(waiting["token"])  # connected, never joined: not "in" it
    assert isinstance(await host.request("leave"), Ok)

    clock.advance(10 * MINUTE - 1)
    assert await rooms_of(client).end_idle() == []
    # Someone comes back just in time: the ten minutes start again when they leave.
    assert isinstance(await host.request("join", join_code=code), Joined)
    clock.advance(30 * MINUTE)
    assert await rooms_of(client).end_idle() == []  # in it all along
    assert isinstance(await host.request("leave"), Ok)
    clock.advance(9 * MINUTE)
    assert await rooms_of(client).end_idle() == []
    assert (await listed(client, token, meeting["id"]))["ended_at"] is None

    clock.advance(1 * MINUTE)
    assert await rooms_of(client).end_idle() == [meeting["id"]]
    assert (await listed(client, token, meeting["id"]))["ended_at"] == iso(clock.now)
    # As when a host ends it: its guests' sessions end, and nobody can join it any more.
    assert await guest.closed() == MEETING_ENDED
    refused = await host.request("join", join_code=code)
    assert isinstance(refused, Error) and refused.code == "meeting_ended", refused
    response = await client.post(
        "/api/v1/guest-sessions", json={"code": code, "display_name": "Late Larry"}
    )
    assert response.status == 410
    assert await rooms_of(client).end_idle() == []  # ended once


async def test_a_meeting_with_someone_in_it_never_ends_by_itself(
    people: People, client: TestClient, clock: Clock
) -> None:
    token = await people.user("hana")
    meeting = await people.meeting(token)
    host = await people.peer(token)
    assert isinstance(await host.request("join", join_code=meeting["join_code"]), Joined)
    clock.advance(24 * 60 * MINUTE)
    assert await rooms_of(client).end_idle() == []
    assert await host.answers()
    assert (await listed(client, token, meeting["id"]))["ended_at"] is None


async def test_who_was_removed_stays_out_while_the_meeting_is_empty(people: People) -> None:
    host_token, bob_token = await people.user("hana"), await people.user("bob")
    meeting = await people.meeting(host_token)
    code = meeting["join_code"]
    host, bob = await people.peer(host_token), await people.peer(bob_token)
    joined = await host.request("join", join_code=code)
    assert isinstance(joined, Joined)
    bob_joined = await bob.request("join", join_code=code)
    assert isinstance(bob_joined, Joined)
    removed = await host.request("host_action", action="remove", target=bob_joined.you)
    assert isinstance(removed, Ok)
    assert isinstance(await host.request("leave"), Ok)  # nobody is left in the meeting

    again = await people.peer(bob_token)
    refused = await again.request("join", join_code=code)
    assert isinstance(refused, Error) and refused.code == "removed", refused


async def test_a_meeting_nobody_ever_joined_is_left_alone(
    people: People, client: TestClient, clock: Clock
) -> None:
    token = await people.user("hana")
    meeting = await people.meeting(token, "Next week")
    clock.advance(7 * 24 * 60 * MINUTE)
    assert await rooms_of(client).end_idle() == []
    assert (await listed(client, token, meeting["id"]))["ended_at"] is None


async def test_a_restart_keeps_the_clock_of_meetings_left_empty(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    first = await aiohttp_client(create_app(settings, clock=clock))
    people = People(first)
    token = await people.user("hana")
    left = await people.meeting(token, "Left before the restart")
    still_in = await people.meeting(token, "In it as the server stopped")
    never = await people.meeting(token, "Nobody came")
    host = await people.peer(token)
    assert isinstance(await host.request("join", join_code=left["join_code"]), Joined)
    assert isinstance(await host.request("leave"), Ok)
    clock.advance(5 * MINUTE)
    assert isinstance(await host.request("join", join_code=still_in["join_code"]), Joined)
    await first.close()  # the server stops with Hana still in the second meeting

    second = await aiohttp_client(create_app(settings, clock=clock))
    clock.advance(5 * MINUTE)  # ten minutes since the first was left, five since the stop
    assert await rooms_of(second).end_idle() == [left["id"]]
    clock.advance(5 * MINUTE)
    assert await rooms_of(second).end_idle() == [still_in["id"]]
    clock.advance(60 * MINUTE)
    assert await rooms_of(second).end_idle() == []
    assert (await listed(second, token, never["id"]))["ended_at"] is None
    assert (await listed(second, token, left["id"]))["ended_at"] is not None


@pytest.mark.parametrize(
    ("config", "seconds"),
    [({}, 600.0), ({"meetings": {"empty_end_minutes": 2.5}}, 150.0)],
)
def test_empty_end_minutes_is_read_from_the_config(
    tmp_path: Path, config: dict[str, Any], seconds: float
) -> None:
    assert settings_from_config(tmp_path, config).empty_end_minutes * 60 == seconds


@pytest.mark.parametrize("value", [0, -5, "soon"])
def test_a_bad_empty_end_minutes_is_a_clear_error(tmp_path: Path, value: object) -> None:
    with pytest.raises(SettingsError, match=r"empty_end_minutes|wrong type"):
        settings_from_config(tmp_path, {"meetings": {"empty_end_minutes": value}})
