"""Where tiles go in grid and speaker view: pinned, active speaker, shared screen, sizes."""

from __future__ import annotations

from app.viewmodels.layout import (
    MAX_GRID_TILES,
    Placement,
    Rect,
    Scene,
    ViewMode,
    focus,
    grid_rects,
    place,
    shown,
)

AREA: Rect = (8, 8, 1264, 560)
PEOPLE = ("you", "grace", "alan", "edsger")


def inside(rect: Rect, area: Rect = AREA) -> bool:
    x, y, w, h = rect
    return (
        x >= area[0] and y >= area[1] and x + w <= area[0] + area[2] and y + h <= area[1] + area[3]
    )


def overlaps(a: Rect, b: Rect) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def all_rects(placement: Placement) -> list[Rect]:
    rects = [rect for _, rect in placement.tiles]
    return rects + [r for r in (placement.stage_rect, placement.overflow) if r is not None]


def test_grid_view_is_an_even_grid_in_model_order() -> None:
    placement = place(Scene(PEOPLE, you="you"), AREA)
    assert placement.stage is None
    assert [p for p, _ in placement.tiles] == list(PEOPLE)
    assert len({rect[2:] for _, rect in placement.tiles}) == 1  # one size
    assert len({rect[1] for _, rect in placement.tiles}) == 2  # 2 × 2
    assert all(inside(rect) for rect in all_rects(placement))


def test_a_pinned_participant_comes_first_in_the_grid() -> None:
    placement = place(Scene(PEOPLE, you="you", pinned="alan"), AREA)
    assert [p for p, _ in placement.tiles] == ["alan", "you", "grace", "edsger"]


def test_speaker_view_shows_the_active_speaker_large_and_the_others_in_a_strip() -> None:
    placement = place(Scene(PEOPLE, you="you", mode=ViewMode.SPEAKER, active="alan"), AREA)
    assert placement.stage == ("alan", "camera")
    assert placement.stage_rect is not None
    strip = [p for p, _ in placement.tiles]
    assert strip == ["you", "grace", "edsger"]
    stage = placement.stage_rect
    assert abs(stage[2] / stage[3] - 16 / 9) < 0.02
    for _, rect in placement.tiles:
        assert rect[3] < stage[3] / 2 and rect[1] > stage[1] + stage[3]  # small, under the stage
        assert not overlaps(rect, stage)
    assert len({rect[1] for _, rect in placement.tiles}) == 1  # one row
    assert all(inside(rect) for rect in all_rects(placement))
    assert placement.compact


def test_pinned_beats_the_active_speaker_then_the_last_speaker_then_the_first_other() -> None:
    scene = Scene(PEOPLE, you="you", mode=ViewMode.SPEAKER, pinned="edsger", active="alan")
    assert focus(scene) == "edsger"
    assert place(scene, AREA).stage == ("edsger", "camera")
    assert focus(Scene(PEOPLE, you="you", active="alan", last="grace")) == "alan"
    assert focus(Scene(PEOPLE, you="you", active="", last="grace")) == "grace"
    # You speaking does not put you on stage: the one before stays.
    assert focus(Scene(PEOPLE, you="you", active="you", last="edsger")) == "edsger"
    assert focus(Scene(PEOPLE, you="you")) == "grace"
    # Someone who left is skipped.
    assert focus(Scene(PEOPLE, you="you", pinned="gone", last="gone2")) == "grace"
    # Alone: you.
    assert focus(Scene(("you",), you="you")) == "you"
    # You may pin yourself.
    assert focus(Scene(PEOPLE, you="you", pinned="you")) == "you"


def test_alone_in_speaker_view_the_stage_takes_the_whole_area() -> None:
    placement = place(Scene(("you",), you="you", mode=ViewMode.SPEAKER), AREA)
    assert placement.stage == ("you", "camera") and placement.tiles == ()
    assert placement.stage_rect is not None and inside(placement.stage_rect)
    assert placement.stage_rect[3] == AREA[3]  # as tall as the area (16:9, centred)


def test_a_shared_screen_stays_on_stage_in_both_views() -> None:
    for mode in ViewMode:
        placement = place(Scene(PEOPLE, you="you", mode=mode, screen="grace", pinned="alan"), AREA)
        assert placement.stage == ("grace", "screen")
        assert placement.stage_rect == (8, 8, 1264, AREA[3] - placement.tiles[0][1][3] - 8)
        assert [p for p, _ in placement.tiles] == ["alan", "you", "grace", "edsger"]


def test_a_full_strip_keeps_the_pinned_and_the_speaker_and_counts_the_rest() -> None:
    people = tuple(f"p{n}" for n in range(20))
    scene = Scene(people, you="p0", mode=ViewMode.SPEAKER, pinned="p1", active="p19")
    placement = place(scene, (0, 0, 800, 500))
    assert placement.stage == ("p1", "camera")
    strip = [p for p, _ in placement.tiles]
    assert "p19" in strip and "p1" not in strip
    assert placement.hidden == 19 - len(strip)
    assert placement.overflow is not None
    assert all(inside(r, (0, 0, 800, 500)) for r in all_rects(placement))
    # With a screen on stage the pinned one leads the strip and stays there.
    placement = place(
        Scene(people, you="p0", pinned="p1", active="p19", screen="p5"), (0, 0, 800, 500)
    )
    strip = [p for p, _ in placement.tiles]
    assert strip[0] == "p1" and "p19" in strip


def test_shown_never_pushes_the_pinned_one_out_for_the_speaker() -> None:
    assert shown(["a", "b", "c"], 2, keep="c", first="a") == ["a"]
    assert shown(["a", "b", "c"], 3, keep="c", first="a") == ["a", "b", "c"]
    assert shown(["a", "b", "c", "d"], 3, keep="d", first="a") == ["a", "d"]
    assert shown(["a", "b", "c", "d"], 1, keep="d") == []


def test_a_big_grid_shows_25_places_with_the_speaker_among_them() -> None:
    people = tuple(f"p{n}" for n in range(30))
    placement = place(Scene(people, you="p0", active="p28"), AREA)
    ids = [p for p, _ in placement.tiles]
    assert len(ids) == MAX_GRID_TILES - 1 and "p28" in ids
    assert placement.hidden == 6 and placement.overflow is not None and placement.compact


def test_small_areas_give_no_negative_or_empty_rectangles() -> None:
    for area in ((0, 0, 304, 184), (0, 0, 100, 60)):
        for mode in ViewMode:
            for screen in ("", "grace"):
                placement = place(Scene(PEOPLE, you="you", mode=mode, screen=screen), area)
                assert all(r[2] > 0 and r[3] > 0 for r in all_rects(placement))
    assert grid_rects((0, 0, 0, 100), 3) == []


def test_in_a_low_area_the_stage_stays_larger_than_the_strip() -> None:
    area = (0, 0, 304, 184)  # the video area's smallest size
    for screen in ("", "grace"):
        placement = place(Scene(PEOPLE, you="you", mode=ViewMode.SPEAKER, screen=screen), area)
        assert placement.stage_rect is not None and placement.tiles
        assert all(rect[3] < placement.stage_rect[3] for _, rect in placement.tiles)
