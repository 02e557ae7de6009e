"""JSON codec for signaling messages: strict decoding into frozen dataclasses, plain encoding."""

from __future__ import annotations

import dataclasses
import functools
import json
import types
import typing
from collections.abc import Mapping
from typing import Any, ClassVar, TypeVar, Union

from protocol import strict_json

MAX_MESSAGE_BYTES = 64 * 1024
# Any dataclass: messages and the value types nested in them.
D = TypeVar("D")


class ProtocolError(ValueError):
    """A message that cannot be accepted; `code` is what the `error` reply carries."""

    def __init__(self, code: str, message: str, request_id: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.request_id = request_id


@dataclasses.dataclass(frozen=True)
class Message:
    """Base of every signaling message; `TYPE` is its `type` on the wire."""

    TYPE: ClassVar[str] = ""


class Codec:
    """Decodes one side's incoming messages; encodes any message."""

    def __init__(self, incoming: typing.Iterable[type[Message]]):
        self._types = {cls.TYPE: cls for cls in incoming}

    def decode(self, text: str | bytes) -> Message:
        # surrogatepass: a str holding lone surrogates is measured here and refused below.
        size = len(text.encode("utf-8", "surrogatepass")) if isinstance(text, str) else len(text)
        if size > MAX_MESSAGE_BYTES:
            raise ProtocolError("too_large", f"messages are limited to {MAX_MESSAGE_BYTES} bytes")
        try:
            data = strict_json.loads(text)
        except strict_json.JsonRefused as exc:
            raise ProtocolError("invalid_json", f"the message is not valid JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ProtocolError("invalid_message", "a message must be a JSON object")
        raw_id = data.get("id")
        valid_id = isinstance(raw_id, str) and strict_json.is_valid_text(raw_id)
        request_id = raw_id if valid_id else None
        bad_text = strict_json.invalid_text_path(data)
        if bad_text is not None:
            raise ProtocolError(
                "invalid_message", f"{bad_text} is not valid Unicode text", request_id
            )
        kind = data.get("type")
        if not isinstance(kind, str):
            raise ProtocolError("invalid_message", "the message has no string 'type'", request_id)
        cls = self._types.get(kind)
        if cls is None:
            raise ProtocolError("unknown_type", f"unknown message type {kind!r}", request_id)
        body = {key: value for key, value in data.items() if key != "type"}
        try:
            return from_json(cls, body, kind)
        except ProtocolError as exc:
            raise ProtocolError(exc.code, exc.message, request_id) from None


def encode(message: Message) -> str:
    data = {"type": message.TYPE, **to_json(message)}
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def to_json(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_json(getattr(value, field.name)) for field in dataclasses.fields(value)
        }
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if isinstance(value, Mapping):
        return {key: to_json(item) for key, item in value.items()}
    return value


@functools.cache
def _shape(cls: type) -> tuple[dict[str, Any], dict[str, dataclasses.Field[Any]]]:
    """A dataclass's resolved field types and fields, worked out once (it costs ~100 µs)."""
    hints = typing.get_type_hints(cls)
    fields = {field.name: field for field in dataclasses.fields(cls)}
    return hints, fields


def from_json(cls: type[D], data: Any, where: str) -> D:
    """Build dataclass `cls` from decoded JSON, checking every field's type."""
    if not isinstance(data, dict):
        raise ProtocolError("invalid_message", f"{where} must be an object")
    # Ignored: mypy does not count a class as Hashable, though every class is.
    hints, fields = _shape(cls)  # type: ignore[arg-type]
    unknown = set(data) - set(fields)
    if unknown:
        raise ProtocolError("invalid_message", f"{where}: unknown field(s) {sorted(unknown)}")
    values = {}
    for name, field in fields.items():
        if name in data:
            values[name] = _convert(hints[name], data[name], f"{where}.{name}")
        elif field.default is dataclasses.MISSING and field.default_factory is dataclasses.MISSING:
            raise ProtocolError("invalid_message", f"{where}: missing field {name!r}")
    try:
        return cls(**values)
    except (TypeError, ValueError) as exc:
        raise ProtocolError("invalid_message", f"{where}: {exc}") from exc


def _convert(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in args:
            if arg is type(None):
                continue
            try:
                return _convert(arg, value, where)
            except ProtocolError:
                continue
        raise ProtocolError("invalid_message", f"{where} has the wrong type")
    if origin is typing.Literal:
        if value in args and type(value) is type(args[0]):
            return value
        raise ProtocolError("invalid_message", f"{where} must be one of {list(args)}")
    if origin is tuple:
        if not isinstance(value, list):
            raise ProtocolError("invalid_message", f"{where} must be a list")
        return tuple(_convert(args[0], item, f"{where}[]") for item in value)
    if origin is dict:
        if not isinstance(value, dict):
            raise ProtocolError("invalid_message", f"{where} must be an object")
        return {
            _convert(args[0], key, where): _convert(args[1], item, f"{where}.{key}")
            for key, item in value.items()
        }
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        return from_json(hint, value, where)
    if hint is bool:
        if isinstance(value, bool):
            return value
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is float:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    elif hint is str:
        if isinstance(value, str):
            return value
    elif hint is Any:
        return value
    raise ProtocolError(
        "invalid_message", f"{where} must be of type {getattr(hint, '__name__', hint)}"
    )
