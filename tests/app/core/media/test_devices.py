"""MediaDevices on a machine without cameras, the test pattern, and the join-time sources."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.media.devices import Device, MediaDevices
from app.core.media.notices import NO_CAMERA
from app.core.media.sources import MediaChoices, join_media
from app.core.meeting.testsrc import TestPatternTrack, read_code


@pytest.fixture
def no_cameras(tmp_path: Path) -> MediaDevices:
    """Devices of a machine whose /dev holds no video nodes."""
    return MediaDevices(dev_dir=tmp_path)


def test_without_cameras_nothing_is_listed_and_the_user_is_told(no_cameras: MediaDevices) -> None:
    assert no_cameras.cameras() == []
    assert no_cameras.open_camera(None) is None
    assert no_cameras.open_camera("/dev/v4l/by-id/usb-Some_Camera-video-index0") is None
    availability = no_cameras.availability()
    assert not availability.camera
    assert availability.notices[0] == NO_CAMERA


def test_listing_never_raises_whatever_is_missing(
    no_cameras: MediaDevices, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    for listing in (
        no_cameras.cameras,
        no_cameras.microphones,
        no_cameras.speakers,
        no_cameras.monitors,
    ):
        assert isinstance(listing(), list)
    availability = no_cameras.availability()
    assert not availability.screen
    assert availability.receive_only == (not availability.microphone)
    assert all(sentence.endswith(".") for sentence in availability.notices)


async def test_the_test_pattern_is_a_numbered_video_track(no_cameras: MediaDevices) -> None:
    track = no_cameras.test_pattern()
    try:
        first, second = await track.recv(), await track.recv()
    finally:
        track.stop()
    assert track.kind == "video"
    assert (read_code(first), read_code(second)) == (0, 1)


async def test_asking_for_the_test_pattern_sends_it_as_the_camera(
    no_cameras: MediaDevices,
) -> None:
    joining = join_media(no_cameras, MediaChoices(test_pattern=True, microphone=False))
    try:
        assert list(joining.sources) == ["camera"]
        assert isinstance(joining.sources["camera"], TestPatternTrack)
        assert joining.notices == ()
    finally:
        joining.stop()


def test_a_missing_camera_is_left_out_and_explained(no_cameras: MediaDevices) -> None:
    joining = join_media(no_cameras, MediaChoices(camera_id="/dev/video7", microphone=False))
    assert joining.sources == {}
    assert joining.notices == (NO_CAMERA,)
    nothing = join_media(no_cameras, MediaChoices(camera=False, microphone=False))
    assert (nothing.sources, nothing.notices) == ({}, ())


def test_choices_and_devices_are_validated() -> None:
    with pytest.raises(ValueError):
        MediaChoices(camera=False, test_pattern=True)
    with pytest.raises(ValueError):
        Device("x", "X", "printer")  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Device("", "Camera", "camera")
    assert Device("ALSA/default", "default", "speaker").kind == "speaker"
