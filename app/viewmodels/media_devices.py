"""What the meeting needs from the machine's media devices, and helpers to read them safely.

`app.core.media.MediaDevices` provides this; `SyntheticDevices` stands in with test sources.
Either may answer synchronously or with a coroutine, and a device library may fail at any time:
the meeting then carries on receive-only and says what is missing.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from aiortc import MediaStreamTrack
from av import AudioFrame

log = logging.getLogger(__name__)


class Devices(Protocol):
    """The MediaDevices API the meeting uses."""

    def cameras(self) -> Sequence[Any]: ...
    def microphones(self) -> Sequence[Any]: ...
    def speakers(self) -> Sequence[Any]: ...
    def monitors(self) -> Sequence[Any]: ...
    def monitor_thumbnail(self, monitor_id: Any, max_width: int = 320) -> Any: ...
    def open_camera(self, device_id: Any = None) -> MediaStreamTrack | None: ...
    def open_microphone(self, device_id: Any = None) -> MediaStreamTrack | None: ...
    def open_screen(
        self, monitor_id: Any, region: Any = None, fps: int = 15
    ) -> MediaStreamTrack: ...
    def availability(self) -> Any: ...


class Player(Protocol):
    """The AudioPlayer API: plays remote microphones."""

    available: bool

    def feed(self, participant: str, frame: AudioFrame) -> None: ...
    def close(self) -> None: ...


PlayerFactory = Callable[[Any], Player]


@dataclass(frozen=True)
class Choice:
    """A device as a menu shows it: the device's own id and a name."""

    id: Any
    name: str


@dataclass(frozen=True)
class ScreenChoice:
    """A monitor (or a window, kind "window") as the share picker shows it."""

    id: Any
    name: str
    width: int
    height: int
    kind: str = "screen"


async def settle(value: Any) -> Any:
    """The value, awaited first when it is awaitable."""
    return await value if inspect.isawaitable(value) else value


async def safely(
    call: Callable[[], Any], default: Any, what: str, *, in_thread: bool = False
) -> Any:
    """Call a device method (in a worker thread if it blocks); on failure log, return default."""
    try:
        if in_thread:
            return await settle(await asyncio.to_thread(call))
        return await settle(call())
    except Exception:
        log.exception("media devices: %s failed", what)
        return default


def choices(items: Sequence[Any]) -> list[Choice]:
    """Devices as Choices, whatever shape the device list has."""
    found = []
    for index, item in enumerate(items or ()):
        device_id = getattr(item, "id", item)
        name = getattr(item, "name", None) or str(device_id) or f"Device {index + 1}"
        found.append(Choice(device_id, str(name)))
    return found


def screen_choices(items: Sequence[Any]) -> list[ScreenChoice]:
    """Monitors as ScreenChoices."""
    found = []
    for index, item in enumerate(items or ()):
        monitor_id = getattr(item, "id", index)
        name = str(getattr(item, "name", "") or f"Screen {index + 1}")
        found.append(
            ScreenChoice(
                monitor_id,
                name,
                int(getattr(item, "width", 0) or 0),
                int(getattr(item, "height", 0) or 0),
                str(getattr(item, "kind", "screen") or "screen"),
            )
        )
    return found


def sentences(value: Any) -> list[str]:
    """availability() as sentences: its `notices`, or the value itself as a string or list."""
    value = getattr(value, "notices", value)
    if not value:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value if item]
