"""Strict JSON: what the parser refuses, for both edges, and where text is not Unicode."""

from __future__ import annotations

import contextlib
import json
import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from protocol import strict_json
from protocol.client_messages import CLIENT_MESSAGES
from protocol.codec import Codec, ProtocolError

client_codec = Codec(CLIENT_MESSAGES)
HUGE = "9" * (sys.get_int_max_str_digits() + 1)
REFUSED = [
    pytest.param(HUGE.encode(), id="huge-int"),
    pytest.param(b'{"n": -' + HUGE.encode() + b"}", id="huge-negative-int"),
    pytest.param(b'{"n": 1' + b"0" * 80 + b"}", id="long-int"),
    pytest.param(b'{"n": 1e999}', id="float-overflow"),
    pytest.param(b'{"n": NaN}', id="nan"),
    pytest.param(b'{"n": Infinity}', id="infinity"),
    pytest.param(b'{"n": -Infinity}', id="minus-infinity"),
    pytest.param(b'{"a": 1, "a": 2}', id="duplicate-key"),
    pytest.param(b'{"a": {"b": 1, "b": 1}}', id="nested-duplicate-key"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, id="deep-nesting"),
    pytest.param(
        b"[" * (strict_json.MAX_DEPTH + 1) + b"]" * (strict_json.MAX_DEPTH + 1), id="depth"
    ),
    pytest.param('{"a": "b"}'.encode("utf-16"), id="utf-16"),
    pytest.param(b'{"a": "\xff"}', id="bad-utf-8"),
    pytest.param(b'{"a": "\xed\xa0\x80"}', id="utf-8-encoded-surrogate"),
    pytest.param(b"\xef\xbb\xbf{}", id="bom"),
    pytest.param(b"", id="empty"),
    pytest.param(b"{", id="truncated"),
    pytest.param(b"{} {}", id="trailing-data"),
]


@pytest.mark.parametrize("raw", REFUSED)
def test_refused_bodies(raw: bytes) -> None:
    with pytest.raises(strict_json.JsonRefused):
        strict_json.loads(raw)


@pytest.mark.parametrize("raw", REFUSED)
def test_the_signaling_codec_answers_invalid_json_for_each(raw: bytes) -> None:
    with pytest.raises(ProtocolError) as caught:
        client_codec.decode(raw)
    assert caught.value.code in ("invalid_json", "too_large")


def test_ordinary_json_is_read_as_usual() -> None:
    assert strict_json.loads(b'{"a": [1, 2.5, -3e2, true, null, "\\u00e9"]}') == {
        "a": [1, 2.5, -300.0, True, None, "é"]
    }
    nested = "[" * strict_json.MAX_DEPTH + "]" * strict_json.MAX_DEPTH
    assert strict_json.loads(nested) is not None


def test_lone_surrogates_are_found_with_their_place() -> None:
    value = strict_json.loads('{"ok": "fine", "list": ["x", {"deep": "\\ud800"}]}')
    assert strict_json.invalid_text_path(value) == "list[1].deep"
    assert strict_json.invalid_text_path(strict_json.loads('{"\\udc00": 1}')) == "\\udc00"
    assert strict_json.invalid_text_path(strict_json.loads('{"pair": "\\ud83d\\ude00"}')) is None


def test_a_lone_surrogate_in_a_message_is_invalid_message_with_its_id() -> None:
    text = '{"type": "chat_send", "id": "7", "body": "hi \\ud800"}'
    with pytest.raises(ProtocolError) as caught:
        client_codec.decode(text)
    assert (caught.value.code, caught.value.request_id) == ("invalid_message", "7")
    assert "body" in caught.value.message
    # The error can itself be sent: its message is valid text.
    caught.value.message.encode("utf-8")


def test_a_str_holding_a_lone_surrogate_is_refused_not_crashed_on() -> None:
    with pytest.raises(ProtocolError) as caught:
        client_codec.decode('{"type": "leave", "id": "\ud800"}')
    assert caught.value.code == "invalid_message"


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(json_values)
def test_what_json_dumps_writes_is_read_back_or_refused_with_a_reason(value: object) -> None:
    text = json.dumps(value)
    try:
        assert strict_json.loads(text.encode()) == value
    except strict_json.JsonRefused as exc:
        assert str(exc)


@given(st.binary(max_size=300))
def test_arbitrary_bytes_never_raise_anything_else(raw: bytes) -> None:
    with contextlib.suppress(strict_json.JsonRefused):
        strict_json.loads(raw)
