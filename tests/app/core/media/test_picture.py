"""Frames scaled and converted in one pass to the size they are shown, in native RGB32."""

from __future__ import annotations

import sys

import av
import pytest

from app.core.media.picture import shown_size, to_pixels


def solid(width: int, height: int, rgb: tuple[int, int, int]) -> av.VideoFrame:
    """A frame of one colour, in the decoder's yuv420p."""
    frame = av.VideoFrame(width, height, "rgb24")
    frame.planes[0].update(bytes(rgb) * (frame.planes[0].line_size // 3 * height))
    return frame.reformat(format="yuv420p")


def test_a_camera_covers_its_tile_and_a_screen_fits_inside_its_own() -> None:
    # 4:3 camera in a 16:9 tile: as wide as the tile, taller (the middle is shown).
    assert shown_size((640, 480), (282, 158), cover=True) == (282, 212)
    # 16:9 screen on a 4:3 stage: as wide as the stage, bars above and below.
    assert shown_size((1280, 720), (400, 300), cover=False) == (400, 225)
    # A small picture in a big tile grows to it.
    assert shown_size((320, 240), (640, 360), cover=True) == (640, 480)


def test_widths_are_even_and_sizes_never_zero() -> None:
    width, height = shown_size((640, 480), (281, 158), cover=True)
    assert width % 2 == 0 and width >= 281 and height >= 158
    assert shown_size((1280, 720), (3, 1), cover=False) == (2, 1)
    with pytest.raises(ValueError):
        shown_size((640, 480), (0, 100), cover=True)


def test_pixels_have_the_asked_size_and_the_frames_colour() -> None:
    pixels = to_pixels(solid(640, 480, (200, 40, 40)), 282, 212)
    assert (pixels.width, pixels.height) == (282, 212)
    assert pixels.stride >= 4 * 282 and len(pixels.data) >= pixels.stride * 212
    # Native RGB32: blue, green, red, alpha in memory on a little-endian machine.
    first = pixels.data[pixels.stride * 100 + 4 * 100 : pixels.stride * 100 + 4 * 101]
    blue, green, red, _ = first if sys.byteorder == "little" else first[::-1]
    assert abs(red - 200) < 8 and abs(green - 40) < 8 and abs(blue - 40) < 8


def test_an_odd_width_is_made_even() -> None:
    pixels = to_pixels(solid(64, 48, (0, 0, 0)), 31, 20)
    assert (pixels.width, pixels.height) == (32, 20)
