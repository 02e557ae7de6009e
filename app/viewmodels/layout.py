"""Where each video tile goes: an even grid, or one person (or a shared screen) large over a strip.

Plain Python (no Qt): rectangles are (x, y, width, height) tuples, people are participant ids.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

GAP = 8
MAX_GRID_TILES = 25
ASPECT = 16 / 9
STRIP_SHARE = 0.2
STRIP_MIN, STRIP_MAX = 90, 150
# Beyond this many tiles a grid's tiles are small: their marks use the compact size.
COMPACT_AFTER = 9

Rect = tuple[int, int, int, int]
Key = tuple[str, str]


class ViewMode(StrEnum):
    """Grid view (everyone the same size) or speaker view (one person large)."""

    GRID = "grid"
    SPEAKER = "speaker"


@dataclass(frozen=True)
class Scene:
    """What there is to lay out."""

    people: tuple[str, ...]  # one camera tile each, in the model's order (you first)
    you: str = ""
    mode: ViewMode = ViewMode.GRID
    pinned: str = ""
    active: str = ""  # whom the server names as the active speaker now
    last: str = ""  # the last one (not you) who was the active speaker
    screen: str = ""  # whose shared screen is on stage, or ""


@dataclass(frozen=True)
class Placement:
    """Where the tiles go; a camera tile not in `tiles` (and not on stage) is hidden."""

    stage: Key | None = None  # the tile shown large: a shared screen or, in speaker view, a camera
    stage_rect: Rect | None = None
    tiles: tuple[tuple[str, Rect], ...] = ()  # camera tiles in the grid or strip
    overflow: Rect | None = None  # "+N more"
    hidden: int = 0
    compact: bool = False  # grid or strip tiles are small

    def rect_of(self, participant: str) -> Rect | None:
        """Where a participant's camera tile goes (off stage), or None."""
        return dict(self.tiles).get(participant)


def grid_shape(count: int) -> tuple[int, int]:
    """(columns, rows) for n tiles: 1, 2, 3-4, 5-6, 7-9, 10-12, 13-16 … share a shape."""
    if count <= 0:
        return (0, 0)
    columns = math.ceil(math.sqrt(count))
    return columns, math.ceil(count / columns)


def grid_rects(area: Rect, count: int) -> list[Rect]:
    """16:9 tiles as large as fit, rows centred (a short last row too)."""
    x0, y0, width, height = area
    columns, rows = grid_shape(count)
    if not count or width <= 0 or height <= 0:
        return []
    cell_w = (width - GAP * (columns - 1)) / columns
    cell_h = (height - GAP * (rows - 1)) / rows
    tile_w = min(cell_w, cell_h * ASPECT)
    tile_h = tile_w / ASPECT
    top = y0 + (height - rows * tile_h - (rows - 1) * GAP) / 2
    rects = []
    for row in range(rows):
        in_row = min(columns, count - row * columns)
        left = x0 + (width - in_row * tile_w - (in_row - 1) * GAP) / 2
        for column in range(in_row):
            x = left + column * (tile_w + GAP)
            y = top + row * (tile_h + GAP)
            rects.append((round(x), round(y), round(tile_w), round(tile_h)))
    return rects


def focus(scene: Scene) -> str:
    """Who speaker view shows large: the pinned one, else the active speaker (not you), else
    the last one who spoke, else the first other participant, else you."""
    people = scene.people
    for candidate in (scene.pinned, scene.active, scene.last):
        if (
            candidate
            and candidate in people
            and (candidate != scene.you or candidate == scene.pinned)
        ):
            return candidate
    others = [p for p in people if p != scene.you]
    return others[0] if others else (people[0] if people else "")


def shown(order: Sequence[str], room: int, keep: str = "", first: str = "") -> list[str]:
    """Those that fit in `room` places (one kept for "+N" when not all fit); `keep` (the
    speaker) always among them, and `first` (the pinned one) never pushed out for it."""
    if len(order) <= room:
        return list(order)
    chosen = list(order[: max(0, room - 1)])
    if keep and keep in order and keep not in chosen:
        for index in range(len(chosen) - 1, -1, -1):
            if chosen[index] != first:
                chosen[index] = keep
                break
    return chosen


def place(scene: Scene, area: Rect) -> Placement:
    """Lay the scene out in `area`: a grid, or a stage over a strip of the others."""
    order = list(scene.people)
    if scene.pinned in order:  # a pinned person comes first in the grid and the strip
        order.remove(scene.pinned)
        order.insert(0, scene.pinned)
    pinned = scene.pinned if scene.pinned in order else ""
    if scene.screen:
        return _stage_and_strip(scene, area, (scene.screen, "screen"), order, pinned)
    if scene.mode == ViewMode.SPEAKER and order:
        star = focus(scene)
        rest = [p for p in order if p != star]
        return _stage_and_strip(scene, area, (star, "camera"), rest, pinned)
    ids = shown(order, MAX_GRID_TILES, scene.active, pinned)
    hidden = len(order) - len(ids)
    rects = grid_rects(area, len(ids) + (1 if hidden else 0))
    return Placement(
        tiles=tuple(zip(ids, rects, strict=False)),
        overflow=rects[len(ids)] if hidden and len(rects) > len(ids) else None,
        hidden=hidden,
        compact=len(rects) > COMPACT_AFTER,
    )


def _stage_and_strip(
    scene: Scene, area: Rect, stage: Key, strip: list[str], pinned: str
) -> Placement:
    x0, y0, width, height = area
    if not strip:
        return Placement(stage=stage, stage_rect=_stage_rect(stage, area))
    # In a very low area the strip gives way, so the stage stays the larger part.
    strip_h = int(min(STRIP_MAX, max(STRIP_MIN, height * STRIP_SHARE), height // 3))
    tile_w = int(strip_h * ASPECT)
    room = max(1, (width + GAP) // (tile_w + GAP))
    ids = shown(strip, room, scene.active, pinned)
    hidden = len(strip) - len(ids)
    slots = len(ids) + (1 if hidden else 0)
    left = x0 + (width - slots * tile_w - (slots - 1) * GAP) // 2
    top = y0 + height - strip_h
    rects = [(left + i * (tile_w + GAP), top, tile_w, strip_h) for i in range(slots)]
    stage_area = (x0, y0, width, max(1, height - strip_h - GAP))
    return Placement(
        stage=stage,
        stage_rect=_stage_rect(stage, stage_area),
        tiles=tuple(zip(ids, rects, strict=False)),
        overflow=rects[len(ids)] if hidden else None,
        hidden=hidden,
        compact=True,
    )


def _stage_rect(stage: Key, area: Rect) -> Rect:
    """A screen takes the whole stage (it is drawn whole inside); a camera the largest 16:9."""
    if stage[1] == "screen":
        return area
    return (grid_rects(area, 1) or [area])[0]
