"""The video grid's shapes and tile rectangles."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRect

from app.ui.video_grid import grid_rects, grid_shape


@pytest.mark.parametrize(
    ("count", "shape"),
    [
        (0, (0, 0)),
        (1, (1, 1)),
        (2, (2, 1)),
        (3, (2, 2)),
        (4, (2, 2)),
        (5, (3, 2)),
        (6, (3, 2)),
        (7, (3, 3)),
        (9, (3, 3)),
        (10, (4, 3)),
        (12, (4, 3)),
        (13, (4, 4)),
        (25, (5, 5)),
    ],
)
def test_grid_shapes(count: int, shape: tuple[int, int]) -> None:
    assert grid_shape(count) == shape


def test_grid_rects_are_16_by_9_inside_the_area_and_a_short_row_is_centred() -> None:
    area = QRect(0, 0, 1000, 600)
    rects = grid_rects(area, 3)
    assert len(rects) == 3
    assert all(area.contains(rect) for rect in rects)
    assert all(abs(rect.width() / rect.height() - 16 / 9) < 0.02 for rect in rects)
    last = rects[2]
    assert abs(last.center().x() - area.center().x()) <= 1
    assert rects[0].top() == rects[1].top() < last.top()
