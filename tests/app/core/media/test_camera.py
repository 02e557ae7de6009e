"""The camera track, driven by FFmpeg's own test source through the same capture path as v4l2."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import pytest
from aiortc.mediastreams import MediaStreamError

from app.core.media.camera import (
    CameraTrack,
    linux_cameras,
    parse_avfoundation_listing,
    parse_capability,
    parse_dshow_listing,
)
from tests.app.core.media.conftest import eventually

# A live-paced source, like a camera: 30 frames a second and no faster.
LIVE = "testsrc2=size=320x240:rate=30,realtime"


async def test_frames_come_from_a_worker_thread_with_rising_timestamps() -> None:
    track = CameraTrack(LIVE, "lavfi")
    try:
        frames = [await track.recv() for _ in range(5)]
    finally:
        track.stop()
    assert {(f.width, f.height) for f in frames} == {(320, 240)}
    pts = [f.pts for f in frames]
    assert pts == sorted(set(pts))
    assert track.failure is None


async def test_a_slow_reader_gets_the_newest_frame_not_a_backlog() -> None:
    track = CameraTrack(LIVE, "lavfi")
    try:
        await track.recv()
        await eventually(lambda: track.frames_captured >= 5)
        newest = await track.recv()
        second = await track.recv()
    finally:
        track.stop()
    assert track.frames_dropped >= 3
    assert second.pts > newest.pts


async def test_the_camera_is_released_while_nobody_reads() -> None:
    track = CameraTrack(LIVE, "lavfi", idle_after=0.1)
    try:
        await track.recv()
        await eventually(lambda: not track.capturing)
        again = await track.recv()
        assert again.width == 320
    finally:
        track.stop()


async def test_a_camera_that_stops_sending_is_reported_once() -> None:
    heard: list[str] = []
    track = CameraTrack("testsrc2=size=160x120:rate=30:duration=0.2", "lavfi")
    track.add_failure_listener(heard.append)
    try:
        await track.recv()
        await eventually(lambda: track.failure is not None)
    finally:
        track.stop()
    assert heard == [track.failure]
    assert "camera stopped working" in heard[0]


async def test_a_camera_that_cannot_be_opened_is_reported(tmp_path: Path) -> None:
    track = CameraTrack(str(tmp_path / "video0"), "v4l2", {"video_size": "640x480"})
    pending = asyncio.ensure_future(track.recv())
    try:
        await eventually(lambda: track.failure is not None)
    finally:
        track.stop()
    last = await asyncio.wait_for(pending, 5)  # a waiting reader is released, not left hanging
    assert last.width > 0
    with pytest.raises(MediaStreamError):
        await track.recv()


def test_no_video_nodes_means_no_cameras(tmp_path: Path) -> None:
    assert linux_cameras(tmp_path) == []
    (tmp_path / "video0").write_bytes(b"")  # a node that is no V4L2 device is skipped
    assert linux_cameras(tmp_path) == []


def capability(card: bytes, capabilities: int, device_caps: int) -> bytes:
    return struct.pack(
        "=16s32s32sIII12x", b"uvcvideo", card, b"usb-1", 1, capabilities, device_caps
    )


def test_capture_nodes_are_told_from_metadata_nodes() -> None:
    camera = capability(b"Integrated Camera: Integrated C", 0x84A00001, 0x04200001)
    metadata = capability(b"Integrated Camera: Integrated C", 0x84A00001, 0x04A00000)
    old_driver = capability(b"Old Cam", 0x05000001, 0)
    assert parse_capability(camera) == ("Integrated Camera: Integrated C", True)
    assert parse_capability(metadata) == ("Integrated Camera: Integrated C", False)
    assert parse_capability(old_driver) == ("Old Cam", True)


def test_windows_and_macos_listings_are_read() -> None:
    new_dshow = [
        '"Integrated Webcam" (video)\n',
        '  Alternative name "@device_pnp_\\\\?\\usb"\n',
        '"Microphone (Realtek)" (audio)\n',
        '"OBS Virtual Camera" (none)\n',
        '"Capture Card" (video, audio)\n',
    ]
    old_dshow = [
        "DirectShow video devices (some may be both video and audio devices)\n",
        ' "USB Camera"\n',
        '    Alternative name "@device_pnp_x"\n',
        "DirectShow audio devices\n",
        ' "Mic"\n',
    ]
    avfoundation = [
        "AVFoundation video devices:\n",
        "[0] FaceTime HD Camera\n",
        "[1] Capture screen 0\n",
        "AVFoundation audio devices:\n",
        "[0] MacBook Pro Microphone\n",
    ]
    assert parse_dshow_listing(new_dshow) == ["Integrated Webcam", "Capture Card"]
    assert parse_dshow_listing(old_dshow) == ["USB Camera"]
    assert parse_avfoundation_listing(avfoundation) == ["FaceTime HD Camera"]
