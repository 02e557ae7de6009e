"""Screen sharing against a real X server (Xvfb): monitors, thumbnails, frames, regions, scaling."""

from __future__ import annotations

import asyncio
import fractions
import itertools

import pytest
from aiortc.mediastreams import MediaStreamError

from app.core.media.devices import MediaDevices
from app.core.media.screen import Monitor, ScreenTrack, bgra_frame, fit_within, region_box
from app.core.meeting.gated_track import GatedTrack
from app.core.meeting.testsrc import TestPatternTrack, read_code
from tests.app.core.media.conftest import XvfbStarter, eventually


def test_the_display_is_listed_as_a_monitor(xvfb: XvfbStarter) -> None:
    xvfb(1280, 720)
    monitors = MediaDevices().monitors()
    assert [(m.id, m.left, m.top, m.width, m.height) for m in monitors] == [(1, 0, 0, 1280, 720)]
    assert monitors[0].name.startswith("Screen 1")
    assert MediaDevices().availability().screen


def test_thumbnails_are_small_packed_rgb(xvfb: XvfbStarter) -> None:
    xvfb(1280, 720)
    small = MediaDevices().monitor_thumbnail(1)
    assert (small.width, small.height) == (320, 180)
    assert len(small.rgb) == 320 * 180 * 3
    tiny = MediaDevices().monitor_thumbnail(1, max_width=101)  # odd: no row padding either
    assert (tiny.width, tiny.height, len(tiny.rgb)) == (101, 57, 101 * 57 * 3)


async def test_a_screen_track_sends_frames_of_its_size_at_no_more_than_its_rate(
    xvfb: XvfbStarter,
) -> None:
    xvfb(1280, 720)
    track = MediaDevices().open_screen(1, fps=15)
    try:
        frames = [await track.recv() for _ in range(8)]
    finally:
        track.stop()
    assert {(f.width, f.height, f.format.name) for f in frames} == {(1280, 720, "yuv420p")}
    pts = [f.pts for f in frames]
    assert pts == sorted(set(pts))
    assert {f.time_base for f in frames} == {fractions.Fraction(1, 90000)}
    # The rate is capped: frames are taken at least 1/15 s apart (timestamps on a 90 kHz clock).
    assert min(b - a for a, b in itertools.pairwise(pts)) >= 90000 // 15 - 1


async def test_a_region_is_captured_at_its_own_size(xvfb: XvfbStarter) -> None:
    xvfb(1280, 720)
    track = MediaDevices().open_screen(1, region=(100, 50, 640, 360))
    odd = MediaDevices().open_screen(1, region=(1, 1, 301, 201), fps=5)
    try:
        region_frame, odd_frame = await track.recv(), await odd.recv()
    finally:
        track.stop()
        odd.stop()
    assert (region_frame.width, region_frame.height) == (640, 360)
    assert (odd_frame.width, odd_frame.height) == (300, 200)  # even, for yuv420p


async def test_a_4k_screen_is_scaled_to_1080p(xvfb: XvfbStarter) -> None:
    xvfb(3840, 2160)
    track = MediaDevices().open_screen(1)
    try:
        first = await track.recv()
    finally:
        track.stop()
    assert (first.width, first.height) == (1920, 1080)


async def loop_turns() -> None:
    """Let a just-started read run up to where it waits (a few turns of the loop, no timer)."""
    for _ in range(5):
        await asyncio.sleep(0)


async def test_capture_pauses_when_nobody_reads_and_resumes(xvfb: XvfbStarter) -> None:
    xvfb(640, 480)
    monitor = MediaDevices().monitors()[0]
    track = ScreenTrack(monitor, fps=30, idle_after=0.1)
    try:
        await track.recv()
        assert track.capturing
        await eventually(lambda: not track.capturing)  # the gate is closed: the display is let go
        captured = track.frames_captured
        # Another capture of the same display is the clock: while it takes frames, the idle
        # track takes none.
        clock = ScreenTrack(monitor, fps=30)
        try:
            for _ in range(6):
                await clock.recv()
        finally:
            clock.stop()
        assert track.frames_captured == captured
        again = await track.recv()
        assert (again.width, again.height) == (640, 480)
        assert track.capturing
    finally:
        track.stop()
    assert not track.capturing


async def test_a_slow_reader_gets_the_newest_frame(xvfb: XvfbStarter) -> None:
    xvfb(640, 480)
    track = MediaDevices().open_screen(1, fps=30)
    try:
        first = await track.recv()
        await eventually(lambda: track.frames_captured >= 4)
        newest = await track.recv()
    finally:
        track.stop()
    assert track.frames_dropped >= 2
    assert newest.pts - first.pts >= 2 * 90000 // 30


async def test_stopping_wakes_a_pending_read_then_ends_the_track(xvfb: XvfbStarter) -> None:
    xvfb(640, 480)
    track = MediaDevices().open_screen(1, fps=1)
    await track.recv()
    pending = asyncio.ensure_future(track.recv())  # the next frame is a second away
    await loop_turns()
    track.stop()
    last = await asyncio.wait_for(pending, 5)
    assert (last.width, last.height) == (640, 480)
    with pytest.raises(MediaStreamError):
        await track.recv()


async def test_a_gated_share_switches_source_without_hanging(xvfb: XvfbStarter) -> None:
    xvfb(640, 480)
    gate = GatedTrack(MediaDevices().open_screen(1, fps=1))
    await gate.recv()
    pending = asyncio.ensure_future(gate.recv())
    await loop_turns()
    gate.replace_source(TestPatternTrack(320, 240, fps=30))
    await asyncio.wait_for(pending, 5)
    switched = await gate.recv()
    gate.stop()
    assert (switched.width, switched.height, read_code(switched)) == (320, 240, 0)


def test_unknown_monitors_and_bad_regions_are_refused(xvfb: XvfbStarter) -> None:
    xvfb(640, 480)
    devices = MediaDevices()
    with pytest.raises(ValueError, match="no screen 2"):
        devices.open_screen(2)
    with pytest.raises(ValueError, match="past the edge"):
        devices.open_screen(1, region=(600, 0, 100, 100))
    with pytest.raises(ValueError):
        devices.open_screen(1, region=(0, 0, 1, 100))
    with pytest.raises(ValueError):
        devices.open_screen(1, fps=0)


def test_without_a_display_there_is_nothing_to_share(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    devices = MediaDevices()
    assert devices.monitors() == []
    assert "no graphical display" in " ".join(devices.availability().notices)
    with pytest.raises(ValueError):
        devices.monitor_thumbnail(1)
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-0")
    assert "Wayland" in " ".join(devices.availability().notices)


def test_sizes_fit_1080p_keep_their_shape_and_are_even() -> None:
    assert fit_within(3840, 2160) == (1920, 1080)
    assert fit_within(2560, 1600) == (1728, 1080)
    assert fit_within(5120, 1440) == (1920, 540)
    assert fit_within(1280, 720) == (1280, 720)
    assert fit_within(801, 601) == (800, 600)


def test_padded_rows_are_copied_row_by_row() -> None:
    width, height = 3, 2  # 12-byte rows, which FFmpeg pads
    raw = bytes(range(width * height * 4))
    frame = bgra_frame(raw, width, height)
    plane = frame.planes[0]
    assert plane.line_size > width * 4
    data = bytes(plane)
    assert data[: width * 4] == raw[: width * 4]
    assert data[plane.line_size : plane.line_size + width * 4] == raw[width * 4 :]


def test_a_region_box_is_placed_on_its_monitor() -> None:
    second = Monitor(id=2, name="Screen 2", left=1920, top=0, width=1280, height=1024)
    box = region_box(second, (10, 20, 300, 200))
    assert box == {"left": 1930, "top": 20, "width": 300, "height": 200}
