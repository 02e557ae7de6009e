"""Testimonials: published only with recorded consent and an admin's approval; withdrawable."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from aiohttp.test_utils import TestClient

from server.http.pages import CSP
from server.keys import DATABASE
from server.store.staff import StaffStore
from tests.server.conftest import bearer, login, register

MINE = "/api/v1/me/testimonials"
REVIEW = "/api/v1/admin/testimonials"
PURPOSE = "testimonial_publication"
WORDS = {"body": "Podium made our <b>webinars</b> easy.\nTruly.", "display_name": "Alice L."}


async def people(client: TestClient) -> tuple[dict[str, str], dict[str, str]]:
    """Alice (an author) and Sam (an admin); their auth headers."""
    await register(client)
    await register(client, username="sam", email="sam@example.org", first_name="Sam")
    assert await StaffStore(client.server.app[DATABASE]).grant("sam", "admin", 0.0)
    return bearer(await login(client)), bearer(await login(client, "sam"))


async def submit(client: TestClient, auth: dict[str, str], **data: Any) -> dict[str, Any]:
    response = await client.post(MINE, json={**WORDS, "consent": True, **data}, headers=auth)
    assert response.status == 201, await response.text()
    return await response.json()


async def mine(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get(MINE, headers=auth)
    assert response.status == 200
    return (await response.json())["testimonials"]


async def approve(client: TestClient, admin: dict[str, str], testimonial_id: int) -> Any:
    return await client.post(f"{REVIEW}/{testimonial_id}/approve", headers=admin)


async def public_page(client: TestClient) -> str:
    response = await client.get("/testimonials")
    assert response.status == 200
    assert response.headers["Content-Security-Policy"] == CSP
    return await response.text()


async def consent_events(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    overview = await (await client.get("/api/v1/me/consents", headers=auth)).json()
    return [e for e in overview["events"] if e["purpose"] == PURPOSE]


async def test_without_the_consent_box_nothing_is_stored(client: TestClient) -> None:
    alice, _ = await people(client)
    for consent in ({}, {"consent": False}, {"consent": "true"}, {"consent": 1}):
        response = await client.post(MINE, json={**WORDS, **consent}, headers=alice)
        assert response.status == 422, consent
        assert "consent" in (await response.json())["error"]["fields"]
    response = await client.post(MINE, json={"consent": True, "body": " ", "x": 1}, headers=alice)
    assert set((await response.json())["error"]["fields"]) == {"body", "display_name", "x"}
    assert await mine(client, alice) == []
    assert await consent_events(client, alice) == []


async def test_submitting_records_the_consent_and_waits_for_review(client: TestClient) -> None:
    alice, _ = await people(client)
    made = await submit(client, alice)
    assert made["status"] == "pending" and made["published"] is False
    assert made["body"] == WORDS["body"] and made["approved_at"] is None
    [event] = await consent_events(client, alice)
    assert event["granted"] is True and event["source"] == "app"
    assert await mine(client, alice) == [made]
    html = await public_page(client)
    assert "webinars" not in html and "Alice L." not in html


async def test_approved_ones_are_shown_escaped(client: TestClient) -> None:
    alice, sam = await people(client)
    made = await submit(client, alice)
    pending = await (await client.get(REVIEW, params={"status": "pending"}, headers=sam)).json()
    assert [t["id"] for t in pending["testimonials"]] == [made["id"]]
    response = await approve(client, sam, made["id"])
    assert response.status == 200
    approved = await response.json()
    assert approved["status"] == "approved" and approved["consent"] is True
    assert (await mine(client, alice))[0]["published"] is True

    html = await public_page(client)
    assert "Podium made our &lt;b&gt;webinars&lt;/b&gt; easy.<br>Truly." in html
    assert "— Alice L." in html and "<b>" not in html
    listed = await (await client.get(REVIEW, params={"status": "approved"}, headers=sam)).json()
    assert [t["id"] for t in listed["testimonials"]] == [made["id"]]
    assert (await (await client.get(REVIEW, headers=sam)).json())["testimonials"] == []


async def test_withdrawing_removes_it_at_once(client: TestClient) -> None:
    alice, sam = await people(client)
    made = await submit(client, alice)
    await approve(client, sam, made["id"])
    assert "webinars" in await public_page(client)

    response = await client.delete(f"{MINE}/{made['id']}", headers=alice)
    assert response.status == 204
    assert "webinars" not in await public_page(client)
    [withdrawn] = await mine(client, alice)
    assert withdrawn["status"] == "withdrawn" and withdrawn["withdrawn_at"] is not None
    events = await consent_events(client, alice)
    assert [e["granted"] for e in events] == [True, False]
    # Approving a withdrawn one does not bring it back.
    assert (await approve(client, sam, made["id"])).status == 409
    assert "webinars" not in await public_page(client)
    assert (await client.delete(f"{MINE}/{made['id']}", headers=alice)).status == 204


async def test_withdrawing_one_keeps_the_others_consented(client: TestClient) -> None:
    alice, sam = await people(client)
    first = await submit(client, alice, body="First words")
    second = await submit(client, alice, body="Second words")
    for made in (first, second):
        await approve(client, sam, made["id"])
    await client.delete(f"{MINE}/{first['id']}", headers=alice)
    html = await public_page(client)
    assert "First words" not in html and "Second words" in html
    assert [e["granted"] for e in await consent_events(client, alice)] == [True, True]


async def test_withdrawing_the_consent_in_the_ledger_hides_them_at_once(
    client: TestClient,
) -> None:
    alice, sam = await people(client)
    made = await submit(client, alice)
    await approve(client, sam, made["id"])
    assert "webinars" in await public_page(client)

    response = await client.put(
        f"/api/v1/me/consents/{PURPOSE}", json={"granted": False}, headers=alice
    )
    assert response.status == 200, await response.text()
    assert "webinars" not in await public_page(client)
    [still] = await mine(client, alice)
    assert still["status"] == "approved" and still["published"] is False
    review = await (await client.get(REVIEW, params={"status": "approved"}, headers=sam)).json()
    assert review["testimonials"][0]["consent"] is False


async def test_only_admins_review(client: TestClient) -> None:
    alice, _ = await people(client)
    await register(client, username="sue", email="sue@example.org")
    assert await StaffStore(client.server.app[DATABASE]).grant("sue", "support", 0.0)
    sue = bearer(await login(client, "sue"))
    made = await submit(client, alice)
    for auth in (alice, sue):
        for response in (
            await approve(client, auth, made["id"]),
            await approve(client, auth, 999_999),
            await client.get(REVIEW, headers=auth),
        ):
            assert response.status == 403
            assert (await response.json())["error"]["code"] == "forbidden"
    assert (await mine(client, alice))[0]["status"] == "pending"
    assert (await client.get(REVIEW)).status == 401


async def test_review_checks_its_input(client: TestClient) -> None:
    _, sam = await people(client)
    response = await client.get(REVIEW, params={"status": "everything"}, headers=sam)
    assert response.status == 422
    assert (await approve(client, sam, 424242)).status == 404
    assert (await approve(client, sam, 2**70)).status == 404


async def test_nobody_withdraws_another_users_testimonial(client: TestClient) -> None:
    alice, sam = await people(client)
    made = await submit(client, alice)
    await approve(client, sam, made["id"])
    for testimonial_id in (made["id"], 999_999, 2**70):
        response = await client.delete(f"{MINE}/{testimonial_id}", headers=sam)
        assert response.status == 404
    assert await mine(client, sam) == []
    assert "webinars" in await public_page(client)


async def test_a_few_may_wait_for_review_at_a_time(client: TestClient) -> None:
    alice, sam = await people(client)
    made = [await submit(client, alice, body=f"Words {i}") for i in range(5)]
    response = await client.post(MINE, json={**WORDS, "consent": True}, headers=alice)
    assert response.status == 409
    assert (await response.json())["error"]["code"] == "too_many_pending"
    await approve(client, sam, made[0]["id"])
    await submit(client, alice)


async def test_the_page_says_so_when_there_are_none(client: TestClient) -> None:
    assert "No testimonials yet." in await public_page(client)


async def test_an_author_waiting_for_deletion_is_not_shown(client: TestClient) -> None:
    alice, sam = await people(client)
    made = await submit(client, alice)
    await approve(client, sam, made["id"])
    response = await client.delete("/api/v1/me", json={"password": "rabbit-hole-42"}, headers=alice)
    assert response.status == 202, await response.text()
    assert "webinars" not in await public_page(client)


async def audit_of(client: TestClient, auth: dict[str, str]) -> list[dict[str, Any]]:
    response = await client.get("/api/v1/me/audit", headers=auth)
    assert response.status == 200
    return (await response.json())["entries"]


async def test_reviewing_is_a_staff_read_each_author_sees(client: TestClient) -> None:
    alice, sam = await people(client)
    await register(client, username="bob", email="bob@example.org", first_name="Bob")
    bob = bearer(await login(client, "bob"))
    made = await submit(client, alice)
    await submit(client, alice, body="Twice as good.")
    await submit(client, bob, body="Bob likes it.")
    assert await audit_of(client, alice) == []

    review = await client.get(REVIEW, headers=sam)
    assert review.status == 200
    assert len((await review.json())["testimonials"]) == 3
    fields = ["user_id", "testimonial_body", "testimonial_display_name", "testimonial_consent"]
    expected = {
        "staff_username": "sam",
        "staff_roles": ["admin"],
        "reason": "testimonial review (pending)",
        "fields": fields,
    }
    # One entry per author shown, however many of theirs were on the list.
    for auth in (alice, bob):
        [entry] = await audit_of(client, auth)
        assert {k: v for k, v in entry.items() if k != "at"} == expected
    assert await audit_of(client, sam) == []  # nothing of Sam's was shown

    assert (await approve(client, sam, made["id"])).status == 200
    entries = await audit_of(client, alice)
    assert [e["reason"] for e in entries] == [
        "testimonial review (pending)",
        "testimonial approval",
    ]
    export = await client.get("/api/v1/me/export", headers=alice)
    assert export.status == 200
    with zipfile.ZipFile(io.BytesIO(await export.read())) as archive:
        assert json.loads(archive.read("audit.json")) == entries


async def test_an_empty_or_refused_review_audits_nobody(client: TestClient) -> None:
    alice, sam = await people(client)
    await submit(client, alice)
    empty = await client.get(REVIEW, params={"status": "approved"}, headers=sam)
    assert (await empty.json())["testimonials"] == []
    assert (await client.get(REVIEW, headers=alice)).status == 403
    assert (await approve(client, sam, 424242)).status == 404
    assert await audit_of(client, alice) == []
