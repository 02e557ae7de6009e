"""Strict JSON for both sides' edges: one parser that refuses what others would guess at.

RFC 8259 leaves duplicate keys, NaN/Infinity, numbers beyond a parser's range and encodings
other than UTF-8 to each implementation; Podium refuses them all, so every edge (REST bodies,
signaling messages) reads a body the same way and a refusal is one clear error, never a crash.
"""

from __future__ import annotations

import json
import math
from typing import Any

# Deeper than any message Podium defines, shallow enough that no later walk can recurse badly.
MAX_DEPTH = 32
# More digits than any id, count or timestamp needs; far below Python's 4,300-digit int limit.
MAX_NUMBER_DIGITS = 64


class JsonRefused(ValueError):
    """The text is not JSON that Podium accepts; the message says why, for the client."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise JsonRefused(f"duplicate key {_printable(key)!r}")
        result[key] = value
    return result


def _constant(name: str) -> Any:
    raise JsonRefused(f"{name} is not a JSON number")


def _int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise JsonRefused(f"numbers are limited to {MAX_NUMBER_DIGITS} digits")
    return int(text)


def _float(text: str) -> float:
    if len(text) > MAX_NUMBER_DIGITS + 8:
        raise JsonRefused(f"numbers are limited to {MAX_NUMBER_DIGITS} digits")
    value = float(text)
    if not math.isfinite(value):
        raise JsonRefused("a number is out of range")
    return value


def loads(raw: bytes | str) -> Any:
    """Parse UTF-8 JSON text strictly; raise JsonRefused for anything refused."""
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonRefused("the text is not valid UTF-8") from exc
    else:
        text = raw
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_constant=_constant,
            parse_int=_int,
            parse_float=_float,
        )
    except JsonRefused:
        raise
    except RecursionError as exc:
        raise JsonRefused(f"nesting is limited to {MAX_DEPTH} levels") from exc
    except ValueError as exc:
        # JSONDecodeError and anything else the parser or int()/float() say about the text.
        raise JsonRefused("not valid JSON") from exc
    if _depth(value) > MAX_DEPTH:
        raise JsonRefused(f"nesting is limited to {MAX_DEPTH} levels")
    return value


def _depth(value: Any) -> int:
    """How deeply arrays and objects nest in `value` (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        level += 1
        deepest = max(deepest, level)
        if deepest > MAX_DEPTH:
            return deepest
        stack.extend((child, level) for child in children)
    return deepest


def is_valid_text(text: str) -> bool:
    """Whether `text` is valid Unicode: JSON's \\ud800 escapes can make lone surrogates."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def invalid_text_path(value: Any) -> str | None:
    """Where in parsed JSON a string (key or value) is not valid Unicode, e.g. `to` or `a.b[2]`."""
    stack: list[tuple[Any, str]] = [(value, "")]
    while stack:
        item, path = stack.pop()
        if isinstance(item, str):
            if not is_valid_text(item):
                return path or "(the value)"
        elif isinstance(item, dict):
            for key, child in item.items():
                where = f"{path}.{_printable(key)}" if path else _printable(key)
                if not is_valid_text(key):
                    return where
                stack.append((child, where))
        elif isinstance(item, list):
            stack.extend((child, f"{path}[{index}]") for index, child in enumerate(item))
    return None


def _printable(key: str) -> str:
    """A key as it can be shown back: lone surrogates spelled as escapes."""
    return key.encode("utf-8", "backslashreplace").decode("utf-8")
