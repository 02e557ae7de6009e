"""What the screenshot scripts share: where the pictures go, waiting on a signal, grabbing."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import SignalInstance
from PySide6.QtWidgets import QWidget

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


async def until(
    condition: Callable[[], bool], signal: SignalInstance, within: float = 30.0
) -> None:
    """Wait until `condition` holds, checking again whenever `signal` fires."""
    changed = asyncio.Event()

    def wake(*_args: object) -> None:
        changed.set()

    signal.connect(wake)
    try:
        async with asyncio.timeout(within):
            while not condition():
                await changed.wait()
                changed.clear()
    finally:
        signal.disconnect(wake)


async def shoot(widget: QWidget, name: str, settle: float = 0.2) -> Path:
    """Save `widget` as docs/screenshots/NAME.png once Qt has laid it out and painted it."""
    # Painting happens through the loop; processEvents() here would re-enter asyncio.
    await asyncio.sleep(settle)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    widget.grab().save(str(path))
    print(path)
    return path
