"""A session that ends closes its signaling sockets at once, and the meeting lets the member go."""

from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

from aiohttp.test_utils import TestClient

from protocol.server_messages import Joined, Ok, ParticipantLeft, Removed
from server.keys import DATABASE, DELETION, LIVE_CONNECTIONS
from server.settings import Settings
from tests.server.conftest import ALICE, Clock, bearer, login
from tests.server.signaling.conftest import Peer, People

SESSION_LEFT = "session ended"


async def meeting_with_host(people: People) -> tuple[str, Peer]:
    host_token = await people.user("hana")
    code = (await people.meeting(host_token))["join_code"]
    host = await people.peer(host_token)
    assert isinstance(await host.request("join", join_code=code), Joined)
    return code, host


async def joined(people: People, token: str, code: str) -> tuple[Peer, str]:
    peer = await people.peer(token)
    reply = await peer.request("join", join_code=code)
    assert isinstance(reply, Joined), reply
    return peer, reply.you


async def user_id(client: TestClient, token: str) -> int:
    response = await client.get("/api/v1/me", headers=bearer(token))
    assert response.status == 200
    return int((await response.json())["id"])


async def sees_leave(watcher: Peer, participant: str, reason: str = SESSION_LEFT) -> None:
    left = await watcher.next_of(ParticipantLeft)
    assert (left.participant, left.reason) == (participant, reason)


async def test_logout_closes_that_sessions_socket_only(people: People, client: TestClient) -> None:
    code, host = await meeting_with_host(people)
    token = await people.user("gus")
    peer, gus = await joined(people, token, code)
    other = await people.peer(await login(client, "gus"))  # the same account, another session

    response = await client.delete("/api/v1/sessions/current", headers=bearer(token))
    assert response.status == 204
    assert await peer.closed() == (4001, "logged out")
    await sees_leave(host, gus)
    assert isinstance(await other.request("join", join_code=code), Joined)


async def test_a_password_change_closes_the_other_sessions_sockets(
    people: People, client: TestClient
) -> None:
    code, host = await meeting_with_host(people)
    elsewhere = await people.user("gus")
    peer, gus = await joined(people, elsewhere, code)
    here = await login(client, "gus")
    same_session = await people.peer(here)

    response = await client.post(
        "/api/v1/me/password",
        headers=bearer(here),
        json={"current_password": ALICE["password"], "new_password": "a-new-rabbit-hole-7"},
    )
    assert response.status == 204, await response.text()
    assert await peer.closed() == (4002, "the password was changed; log in again")
    await sees_leave(host, gus)
    # The session that changed the password goes on.
    assert isinstance(await same_session.request("join", join_code=code), Joined)


async def test_account_deletion_closes_every_socket_of_the_account(
    people: People, client: TestClient
) -> None:
    code, host = await meeting_with_host(people)
    token = await people.user("gus")
    first, gus_first = await joined(people, token, code)
    second, gus_second = await joined(people, await login(client, "gus"), code)
    idle = await people.peer(token)  # authenticated, in no meeting

    response = await client.delete(
        "/api/v1/me", headers=bearer(token), json={"password": ALICE["password"]}
    )
    assert response.status == 202, await response.text()
    for peer in (first, second, idle):
        assert await peer.closed() == (4003, "the account is to be deleted")
    left = {(await host.next_of(ParticipantLeft)).participant for _ in range(2)}
    assert left == {gus_first, gus_second}
    assert await host.nothing_more(ParticipantLeft)


async def mark_pending_deletion(client: TestClient, user: int, at: float) -> None:
    """Pending deletion as a request this server was not told of would leave it (sessions kept)."""
    await client.server.app[DATABASE].run(
        lambda conn: conn.execute(
            "UPDATE users SET deletion_requested_at = ? WHERE id = ?", (at, user)
        )
    )


async def test_erasure_closes_what_is_still_open(
    people: People, client: TestClient, clock: Clock, settings: Settings
) -> None:
    code, host = await meeting_with_host(people)
    token = await people.user("gus")
    peer, gus = await joined(people, token, code)
    await mark_pending_deletion(client, await user_id(client, token), clock())

    clock.advance(settings.deletion_grace_days * 86400 + 1)
    assert await client.server.app[DELETION].purge() == 1
    assert await peer.closed() == (4004, "the account was erased")
    await sees_leave(host, gus)


async def purge_in_another_process(data_dir: Path) -> str:
    config = data_dir.parent / "purge.toml"
    config.write_text('[server]\nkey_source = "file"\n[privacy]\ndeletion_grace_days = 0\n')
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "server", "--data-dir", str(data_dir), "--config", str(config)),
        *("admin", "purge-deleted"),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 0, err.decode()
    return out.decode()


async def test_an_erasure_by_the_admin_command_is_found_by_the_sessions_check(
    people: People, client: TestClient, settings: Settings
) -> None:
    code, host = await meeting_with_host(people)
    token = await people.user("gus")
    peer, gus = await joined(people, token, code)
    live = client.server.app[LIVE_CONNECTIONS]
    # The command reads the real clock, with no grace: due at once.
    await mark_pending_deletion(client, await user_id(client, token), time.time() - 1)
    await live.sweep()
    assert await peer.answers(), "a live session is left alone"

    assert "erased 1 account(s)" in await purge_in_another_process(settings.data_dir)
    await live.sweep()
    assert await peer.closed() == (4006, "the session has ended; log in again")
    await sees_leave(host, gus)


async def test_an_idle_session_closes_its_socket_and_requests_count_as_use(
    people: People, client: TestClient, clock: Clock, settings: Settings
) -> None:
    code, host = await meeting_with_host(people)
    token = await people.user("gus")
    peer, gus = await joined(people, token, code)
    live = client.server.app[LIVE_CONNECTIONS]
    idle = settings.session_idle_seconds

    clock.advance(idle - 120)
    for someone in (peer, host):
        assert isinstance(await someone.request("raise_hand", raised=True), Ok)
    await live.sweep()
    clock.advance(240)  # past the idle time since joining, not since the last request
    await live.sweep()
    assert await peer.answers() and await host.answers()

    clock.advance(idle - 200)
    assert isinstance(await host.request("raise_hand", raised=False), Ok)
    clock.advance(60)  # gus: idle for longer than allowed; the host used theirs a minute ago
    await live.sweep()
    assert await peer.closed() == (4005, "the session expired; log in again")
    await sees_leave(host, gus)
    assert (await client.get("/api/v1/me", headers=bearer(token))).status == 401
    assert await host.answers()


async def test_erasing_an_organiser_ends_the_meetings_they_organised(
    people: People, client: TestClient, clock: Clock, settings: Settings
) -> None:
    code, host = await meeting_with_host(people)
    guest, _gus = await joined(people, await people.user("gus"), code)
    response = await client.delete(
        "/api/v1/me", headers=bearer(host.token), json={"password": ALICE["password"]}
    )
    assert response.status == 202
    assert (await host.closed())[0] == 4003
    assert (await guest.next_of(ParticipantLeft)).reason == SESSION_LEFT

    clock.advance(settings.deletion_grace_days * 86400 + 1)
    assert await client.server.app[DELETION].purge() == 1
    # The store dropped the meeting with its organiser; the live one ends with it.
    assert (await guest.next_of(Removed)).reason == "the meeting has ended"
    assert await guest.closed() == (4011, "the meeting has ended")
