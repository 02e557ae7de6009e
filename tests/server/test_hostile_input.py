"""Generated hostile input against a real server, REST and WebSocket: every answer a clear 4xx or
protocol `error`, nothing stored changed, and no traceback in the server's log.

Hostile means: bodies the strict JSON parser refuses (huge numbers, deep nesting, bad
encodings, duplicate keys, NaN/Infinity), strings that are not Unicode (lone surrogates), and
names that hide or reorder characters (bidi overrides, zero-width and control characters).
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from protocol.version import PROTOCOL_VERSION
from tests.server.live_server import live_server

USER = {
    "first_name": "Hostile",
    "last_name": "Input",
    "username": "hostile",
    "email": "hostile@example.org",
    "password": "hostile-input-pw-1",
}
# Every endpoint that reads a JSON body, with the text fields it takes.
ENDPOINTS: list[tuple[str, str, tuple[str, ...]]] = [
    ("POST", "/api/v1/accounts", tuple(USER)),
    ("POST", "/api/v1/sessions", ("login", "password")),
    ("PATCH", "/api/v1/me", ("first_name", "last_name", "username", "email", "city", "company")),
    ("POST", "/api/v1/me/password", ("current_password", "new_password")),
    ("DELETE", "/api/v1/me", ("password",)),
    ("POST", "/api/v1/accounts/cancel-deletion", ("login", "password")),
    ("POST", "/api/v1/meetings", ("subject",)),
    ("POST", "/api/v1/contacts", ("first_name", "last_name", "email", "company", "notes")),
    ("POST", "/api/v1/me/testimonials", ("body", "display_name")),
    ("PUT", "/api/v1/me/public-profile", ("bio",)),
    ("PUT", "/api/v1/me/consents/newsletter", ("source",)),
    ("POST", "/api/v1/me/policy/accept", ("version",)),
    ("POST", "/api/v1/password-resets", ("login",)),
    ("POST", "/api/v1/password-resets/" + "x" * 43, ("password",)),
]
# Where a name others see is given: a hidden or reordering character there is a 422.
NAME_FIELDS: dict[str, tuple[str, ...]] = {
    "/api/v1/accounts": ("first_name", "last_name", "username", "email"),
    "/api/v1/me": ("first_name", "last_name", "username", "email", "city", "company"),
    "/api/v1/meetings": ("subject",),
    "/api/v1/contacts": ("first_name", "last_name", "company"),
}
HIDDEN = (
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200b\u200c\u200d\ufeff\x00\x1b\x7f"
)
# What the server writes when something went wrong inside rather than being refused.
LOG_MARKERS = ("Traceback", "unhandled error", "Error handling request", "signaling request")


def refused_json() -> st.SearchStrategy[bytes]:
    """Bodies the strict parser refuses, each a 400 `invalid_json`."""
    digits = st.integers(min_value=65, max_value=6000).map(lambda n: b"9" * n)
    return st.one_of(
        digits.map(lambda d: b'{"subject": ' + d + b"}"),
        digits.map(lambda d: b'{"login": "a", "password": -' + d + b"}"),
        st.sampled_from([b"NaN", b"Infinity", b"-Infinity", b"1e999", b"-1e400"]).map(
            lambda c: b'{"subject": ' + c + b"}"
        ),
        st.integers(min_value=33, max_value=5000).map(lambda n: b"[" * n + b"]" * n),
        st.integers(min_value=33, max_value=3000).map(lambda n: b'{"a":' * n + b"1" + b"}" * n),
        st.sampled_from(["subject", "login", "first_name"]).map(
            lambda k: f'{{"{k}": "a", "{k}": "b"}}'.encode()
        ),
        st.binary(min_size=1, max_size=40).map(lambda b: b'{"subject": "' + b"\xff" + b + b'"}'),
        st.just('{"subject": "x"}'.encode("utf-16")),
        st.just(b"\xef\xbb\xbf{}"),
        st.binary(max_size=200).filter(lambda b: not _parses(b)),
    )


def _parses(raw: bytes) -> bool:
    try:
        json.loads(raw.decode("utf-8"))
    except ValueError:
        return False
    return True


def surrogate() -> st.SearchStrategy[str]:
    return st.integers(min_value=0xD800, max_value=0xDFFF).map(lambda c: f"\\u{c:04x}")


@dataclass
class Live:
    url: str
    token: str
    join_code: str
    log: Path

    def call(self, method: str, path: str, body: bytes) -> requests.Response:
        return requests.request(
            method,
            f"{self.url}{path}",
            data=body,
            headers={
                "Authorization": f"Bearer {self.token}",
                "Content-Type": "application/json",
            },
            timeout=30,
        )

    def state(self) -> dict[str, Any]:
        """What bad input must never change."""
        auth = {"Authorization": f"Bearer {self.token}"}
        return {
            path: requests.get(f"{self.url}{path}", headers=auth, timeout=30).json()
            for path in ("/api/v1/me", "/api/v1/meetings", "/api/v1/contacts")
        }


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    data = tmp_path_factory.mktemp("hostile")
    log = data.parent / f"{data.name}-server.log"
    with live_server(data / "data", log_path=log) as url:
        requests.post(f"{url}/api/v1/accounts", json=USER, timeout=30).raise_for_status()
        token = requests.post(
            f"{url}/api/v1/sessions",
            json={"login": USER["username"], "password": USER["password"]},
            timeout=30,
        ).json()["token"]
        meeting = requests.post(
            f"{url}/api/v1/meetings",
            json={"subject": "Standing"},
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        ).json()
        yield Live(url, token, meeting["join_code"], log)


@pytest.fixture(scope="module")
def before(live: Live) -> dict[str, Any]:
    return live.state()


def assert_clear_error(response: requests.Response, status: int | None = None) -> dict[str, Any]:
    assert 400 <= response.status_code < 500, (response.status_code, response.text[:300])
    if status is not None:
        assert response.status_code == status, response.text[:300]
    error: dict[str, Any] = response.json()["error"]
    assert isinstance(error["code"], str) and error["message"]
    return error


PROPERTY = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@PROPERTY
@given(endpoint=st.sampled_from(ENDPOINTS), body=refused_json())
def test_refused_json_is_400_invalid_json(
    live: Live, before: dict[str, Any], endpoint: tuple[str, str, tuple[str, ...]], body: bytes
) -> None:
    method, path, _ = endpoint
    error = assert_clear_error(live.call(method, path, body), 400)
    assert error["code"] == "invalid_json"


@PROPERTY
@given(endpoint=st.sampled_from(ENDPOINTS), data=st.data())
def test_text_that_is_not_unicode_is_422_naming_the_field(
    live: Live, before: dict[str, Any], endpoint: tuple[str, str, tuple[str, ...]], data: Any
) -> None:
    method, path, fields = endpoint
    field = data.draw(st.sampled_from(fields))
    # As a client would send it: JSON text whose escape names a lone surrogate.
    text = json.dumps(data.draw(st.text(max_size=10)))[1:-1] + data.draw(surrogate())
    body = f'{{"{field}": "{text}"}}'
    error = assert_clear_error(live.call(method, path, body.encode()), 422)
    assert error["fields"] == {field: "must be valid Unicode text"}


@PROPERTY
@given(path=st.sampled_from(sorted(NAME_FIELDS)), data=st.data())
def test_names_with_hidden_characters_are_422(
    live: Live, before: dict[str, Any], path: str, data: Any
) -> None:
    method = {"/api/v1/me": "PATCH"}.get(path, "POST")
    field = data.draw(st.sampled_from(NAME_FIELDS[path]))
    name = data.draw(st.text(alphabet="abcXYZ", min_size=1, max_size=8))
    hidden = data.draw(st.sampled_from(HIDDEN))
    at = data.draw(st.integers(min_value=1, max_value=len(name)))
    body = {field: name[:at] + hidden + name[at:]}
    if path == "/api/v1/accounts":
        body = {**USER, "username": "someone", "email": "someone@example.org", **body}
    error = assert_clear_error(live.call(method, path, json.dumps(body).encode()), 422)
    assert field in error["fields"]


class Signaling:
    """A WebSocket joined to the meeting, driven from a loop on its own thread."""

    def __init__(self, live: Live):
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._thread.start()
        self._http: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._run(self._open(live))

    def _run(self, coro: Any) -> Any:
        future: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout=30)

    async def _open(self, live: Live) -> None:
        self._http = aiohttp.ClientSession()
        self._ws = await self._http.ws_connect(f"{live.url.replace('http', 'ws', 1)}/api/v1/ws")
        hello = {"type": "hello", "id": "h", "version": PROTOCOL_VERSION, "token": live.token}
        assert (await self._exchange(json.dumps(hello), "h"))["type"] == "welcome"
        join = {"type": "join", "id": "j", "join_code": live.join_code}
        assert (await self._exchange(json.dumps(join), "j"))["type"] == "joined"

    async def _exchange(self, text: str, request_id: str | None) -> dict[str, Any]:
        assert self._ws is not None
        await self._ws.send_str(text)
        while True:
            frame = await self._ws.receive(timeout=10)
            assert frame.type == aiohttp.WSMsgType.TEXT, frame
            message: dict[str, Any] = json.loads(frame.data)
            replied = request_id is not None and message.get("id") == request_id
            if replied or (message.get("type") == "error" and message.get("id") is None):
                return message

    def send(self, text: str, request_id: str | None = None) -> dict[str, Any]:
        """The reply (or error) to `text`."""
        result: dict[str, Any] = self._run(self._exchange(text, request_id))
        return result

    def close(self) -> None:
        async def shut() -> None:
            if self._ws is not None:
                await self._ws.close()
            if self._http is not None:
                await self._http.close()

        self._run(shut())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()


@pytest.fixture(scope="module")
def signaling(live: Live) -> Iterator[Signaling]:
    peer = Signaling(live)
    yield peer
    peer.close()


@PROPERTY
@given(body=refused_json())
def test_signaling_answers_refused_json_with_invalid_json(
    signaling: Signaling, body: bytes
) -> None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")  # a text frame is UTF-8 by definition: send what decodes
    reply = signaling.send(text)
    assert reply["type"] == "error"
    assert reply["code"] in ("invalid_json", "invalid_message", "too_large"), reply


@PROPERTY
@given(before_text=st.text(max_size=20), bad=surrogate(), kind=st.sampled_from(["chat", "join"]))
def test_signaling_answers_text_that_is_not_unicode_with_invalid_message(
    signaling: Signaling, before_text: str, bad: str, kind: str
) -> None:
    escaped = json.dumps(before_text)[1:-1]
    if kind == "chat":
        text = f'{{"type": "chat_send", "id": "c1", "body": "{escaped}{bad}"}}'
    else:
        text = f'{{"type": "join", "id": "c1", "join_code": "{escaped}{bad}"}}'
    reply = signaling.send(text, "c1")
    assert (reply["type"], reply["code"], reply["id"]) == ("error", "invalid_message", "c1")


def test_after_all_that_nothing_changed_and_the_log_is_clean(
    live: Live, before: dict[str, Any], signaling: Signaling
) -> None:
    # The connection still works, and so does the account.
    reply = signaling.send('{"type": "raise_hand", "id": "ok", "raised": true}', "ok")
    assert reply["type"] == "ok"
    assert live.state() == before
    log = live.log.read_text(encoding="utf-8", errors="replace")
    for marker in LOG_MARKERS:
        assert marker not in log, log[-3000:]
