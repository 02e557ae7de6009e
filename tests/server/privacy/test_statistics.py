"""Usage statistics: aggregate counts per day, normalised paths, no cookie, opt-outs honoured."""

from __future__ import annotations

import dataclasses
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import DATABASE
from server.settings import Settings
from server.store.staff import StaffStore
from tests.server.conftest import Clock, bearer, login, register

DAY = "2027-01-15"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0"}


async def item(request: web.Request) -> web.Response:
    return web.json_response({"id": request.match_info["item_id"]})


async def statistics_client(
    aiohttp_client: Any, settings: Settings, clock: Clock, **changes: Any
) -> TestClient:
    """The real app, plus one page with an id in its path to show how paths are normalised."""
    app = create_app(dataclasses.replace(settings, **changes), clock=clock)
    app.router.add_get("/items/{item_id}", item)
    return await aiohttp_client(app)


async def admin_token(client: TestClient) -> str:
    await register(client, username="root", email="root@example.org")
    assert await StaffStore(client.server.app[DATABASE]).grant("root", "admin", 0.0)
    return await login(client, "root")


async def report(client: TestClient, token: str, **params: str) -> dict[str, Any]:
    response = await client.get("/api/v1/admin/statistics", params=params, headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def day_of(client: TestClient, token: str, day: str = DAY) -> dict[str, Any] | None:
    days = (await report(client, token, **{"from": day, "to": day}))["days"]
    return days[0] if days else None


async def test_page_views_are_counted_per_normalised_path(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    client = await statistics_client(aiohttp_client, settings, clock)
    token = await admin_token(client)
    for path in ("/items/1234", "/items/alice", "/items/1234", "/api/v1/accounts/fields"):
        response = await client.get(path, headers=BROWSER)
        assert response.status == 200
        assert "Set-Cookie" not in response.headers
    await client.get("/api/v1/health", headers=BROWSER)  # machine traffic: not counted
    await client.get("/nothing/here", headers=BROWSER)  # 404: not counted
    day = await day_of(client, token)
    assert day == {
        "day": DAY,
        "visits": 1,
        "seconds": 0,
        "page_views": {"/items/{item_id}": 3, "/api/v1/accounts/fields": 1},
    }
    # Neither the raw paths nor anything about the visitor is stored.
    stored = await client.server.app[DATABASE].run(
        lambda conn: (
            [tuple(r) for r in conn.execute("SELECT * FROM usage_page_views")]
            + [tuple(r) for r in conn.execute("SELECT * FROM usage_days")]
        )
    )
    text = repr(stored)
    assert "1234" not in text and "alice" not in text and "Firefox" not in text
    assert "127.0.0.1" not in text


async def test_tables_have_no_visitor_or_user_column(client: TestClient) -> None:
    columns = await client.server.app[DATABASE].run(
        lambda conn: {
            table: [row[1] for row in conn.execute(f"PRAGMA table_info({table})")]
            for table in ("usage_page_views", "usage_days")
        }
    )
    assert columns == {
        "usage_page_views": ["day", "path", "views"],
        "usage_days": ["day", "visits", "seconds"],
    }


async def test_visits_and_time_spent(aiohttp_client: Any, settings: Settings, clock: Clock) -> None:
    client = await statistics_client(aiohttp_client, settings, clock)
    token = await admin_token(client)
    other = {"User-Agent": "Podium/1.0"}
    await client.get("/items/1", headers=BROWSER)
    await client.get("/items/1", headers=other)
    clock.advance(120)
    await client.get("/items/2", headers=BROWSER)
    clock.advance(40 * 60)  # a long pause is leaving and coming back, not time spent
    await client.get("/items/3", headers=BROWSER)
    clock.advance(30)
    await client.get("/items/3", headers=BROWSER)
    day = await day_of(client, token)
    assert day is not None
    assert (day["visits"], day["seconds"]) == (2, 150)
    assert day["page_views"] == {"/items/{item_id}": 5}

    # A new day: a new salt, so the same visitor is a new visit of that day.
    clock.advance(24 * 3600)
    await client.get("/items/1", headers=BROWSER)
    both = await report(client, token, **{"from": DAY, "to": "2027-01-16"})
    assert [(d["day"], d["visits"]) for d in both["days"]] == [(DAY, 2), ("2027-01-16", 1)]


async def test_do_not_track_and_global_privacy_control_are_honoured(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    client = await statistics_client(aiohttp_client, settings, clock)
    token = await admin_token(client)
    assert (await client.get("/items/1", headers={**BROWSER, "DNT": "1"})).status == 200
    assert (await client.get("/items/1", headers={**BROWSER, "Sec-GPC": "1"})).status == 200
    assert await day_of(client, token) is None
    await client.get("/items/1", headers={**BROWSER, "DNT": "0"})
    day = await day_of(client, token)
    assert day is not None and day["page_views"] == {"/items/{item_id}": 1}


async def test_a_logged_in_user_is_counted_only_with_consent(
    client: TestClient, clock: Clock
) -> None:
    token = await admin_token(client)
    await register(client)
    alice = await login(client)
    await client.get("/api/v1/me", headers=bearer(alice))
    assert await day_of(client, token) is None
    await client.put(
        "/api/v1/me/consents/usage_statistics", json={"granted": True}, headers=bearer(alice)
    )
    await client.get("/api/v1/me", headers=bearer(alice))
    day = await day_of(client, token)
    assert day is not None and day["page_views"] == {"/api/v1/me": 1}


async def test_switched_off_counts_nothing_and_everything_works(
    aiohttp_client: Any, settings: Settings, clock: Clock
) -> None:
    client = await statistics_client(aiohttp_client, settings, clock, statistics_enabled=False)
    token = await admin_token(client)
    assert (await client.get("/items/1", headers=BROWSER)).status == 200
    assert (await client.get("/api/v1/accounts/fields", headers=BROWSER)).status == 200
    body = await report(client, token)
    assert body == {"enabled": False, "from": "2026-12-17", "to": DAY, "days": []}
    rows = await client.server.app[DATABASE].run(
        lambda conn: (
            conn.execute("SELECT count(*) FROM usage_page_views").fetchone()[0]
            + conn.execute("SELECT count(*) FROM usage_days").fetchone()[0]
        )
    )
    assert rows == 0


async def test_only_admins_see_the_aggregates(client: TestClient) -> None:
    await register(client)
    alice = await login(client)
    response = await client.get("/api/v1/admin/statistics", headers=bearer(alice))
    assert response.status == 403
    assert (await response.json())["error"]["code"] == "forbidden"
    assert await StaffStore(client.server.app[DATABASE]).grant("alice", "support", 0.0)
    assert (await client.get("/api/v1/admin/statistics", headers=bearer(alice))).status == 403
    assert (await client.get("/api/v1/admin/statistics")).status == 401
    token = await admin_token(client)
    for params in (
        {"from": "yesterday"},
        {"from": "2027-02-01", "to": "2027-01-01"},
        {"from": "2020-01-01", "to": "2027-01-01"},
        {"to": "2027-13-01"},
    ):
        response = await client.get(
            "/api/v1/admin/statistics", params=params, headers=bearer(token)
        )
        assert response.status == 422, params
