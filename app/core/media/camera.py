"""Cameras through PyAV's capture devices: v4l2 on Linux, avfoundation on macOS, dshow on Windows.

Linux cameras are found by asking each /dev/video* node what it is (VIDIOC_QUERYCAP, stdlib
ioctl); macOS and Windows cameras by reading FFmpeg's device listing from its log.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import struct
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import av
import av.logging

from app.core.media.capture_track import CaptureTrack, Deliver

_log = logging.getLogger(__name__)

CAPTURE_SIZE = "640x480"
CAPTURE_FPS = "30"

# struct v4l2_capability: driver[16], card[32], bus_info[32], version, capabilities, device_caps.
_V4L2_CAPABILITY = struct.Struct("=16s32s32sIII12x")
VIDIOC_QUERYCAP = (2 << 30) | (_V4L2_CAPABILITY.size << 16) | (ord("V") << 8)  # _IOR('V', 0, ...)
_CAP_VIDEO_CAPTURE = 0x00000001
_CAP_DEVICE_CAPS = 0x80000000


@dataclass(frozen=True)
class CameraInfo:
    """A camera and how FFmpeg opens it."""

    id: str
    name: str
    url: str
    input_format: str
    options: dict[str, str] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        if not self.id or not self.url or not self.input_format:
            raise ValueError(f"not a usable camera: {self!r}")


def parse_capability(data: bytes) -> tuple[str, bool]:
    """The card name in a v4l2_capability and whether the node captures video."""
    _driver, card, _bus, _version, capabilities, device_caps = _V4L2_CAPABILITY.unpack(
        data[: _V4L2_CAPABILITY.size]
    )
    # A camera shows several nodes (metadata, for instance); device_caps describes this one.
    caps = device_caps if capabilities & _CAP_DEVICE_CAPS else capabilities
    name = card.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    return name, bool(caps & _CAP_VIDEO_CAPTURE)


def linux_cameras(dev_dir: Path = Path("/dev")) -> list[CameraInfo]:
    """Video capture nodes under `dev_dir`, named by their driver."""
    import fcntl  # POSIX only: imported here so other systems can load this module

    stable = _stable_names(dev_dir / "v4l" / "by-id")
    found = []
    numbered = [node for node in dev_dir.glob("video*") if node.name[5:].isdigit()]
    nodes = sorted(numbered, key=lambda node: int(node.name[5:]))
    for node in nodes:
        buffer = bytearray(_V4L2_CAPABILITY.size)
        try:
            fd = os.open(node, os.O_RDONLY | os.O_NONBLOCK)
        except OSError:
            continue
        try:
            fcntl.ioctl(fd, VIDIOC_QUERYCAP, buffer)
        except OSError:  # not a V4L2 device
            continue
        finally:
            os.close(fd)
        name, captures = parse_capability(bytes(buffer))
        if captures:
            options = {"video_size": CAPTURE_SIZE, "framerate": CAPTURE_FPS}
            found.append(
                CameraInfo(
                    id=stable.get(node.resolve(), str(node)),
                    name=name or node.name,
                    url=str(node),
                    input_format="v4l2",
                    options=options,
                )
            )
    return found


def _stable_names(by_id: Path) -> dict[Path, str]:
    # /dev/v4l/by-id names survive replugging and reboots, unlike videoN numbers.
    with contextlib.suppress(OSError):
        return {link.resolve(): str(link) for link in by_id.iterdir()}
    return {}


def parse_dshow_listing(lines: list[str]) -> list[str]:
    """Video device names in FFmpeg's dshow `list_devices` output (old and new layouts)."""
    names, section = [], ""
    for line in lines:
        text = line.strip()
        if "DirectShow video devices" in text:
            section = "video"
        elif "DirectShow audio devices" in text:
            section = "audio"
        elif match := re.match(r'^"(.+)"\s*(?:\((.+)\))?$', text):
            kinds = match.group(2)
            if (kinds and "video" in kinds) or (kinds is None and section == "video"):
                names.append(match.group(1))
    return names


def parse_avfoundation_listing(lines: list[str]) -> list[str]:
    """Camera names in FFmpeg's avfoundation `list_devices` output (screens left out)."""
    names, in_video = [], False
    for line in lines:
        text = line.strip()
        if "video devices" in text:
            in_video = True
        elif "audio devices" in text:
            in_video = False
        elif in_video and (match := re.match(r"^\[\d+\]\s+(.+)$", text)):
            name = match.group(1)
            if not name.startswith("Capture screen"):
                names.append(name)
    return names


def _ffmpeg_listing(input_format: str, url: str) -> list[str]:
    old = av.logging.get_level()
    av.logging.set_level(av.logging.INFO)  # PyAV drops FFmpeg's log unless asked
    try:
        # Listing ends in an "error" by design, hence the suppress.
        with av.logging.Capture() as logs, contextlib.suppress(Exception):
            av.open(url, format=input_format, options={"list_devices": "true"}).close()
    finally:
        av.logging.set_level(old)
    return [message for _level, _name, message in logs]


def system_cameras(dev_dir: Path = Path("/dev")) -> list[CameraInfo]:
    """The cameras of this machine; [] when there are none or they cannot be listed."""
    options = {"video_size": CAPTURE_SIZE, "framerate": CAPTURE_FPS}
    try:
        if sys.platform.startswith("linux"):
            return linux_cameras(dev_dir)
        if sys.platform == "darwin":
            names = parse_avfoundation_listing(_ffmpeg_listing("avfoundation", ""))
            return [CameraInfo(n, n, f"{n}:none", "avfoundation", options) for n in names]
        if sys.platform == "win32":
            names = parse_dshow_listing(_ffmpeg_listing("dshow", "dummy"))
            return [CameraInfo(n, n, f"video={n}", "dshow", options) for n in names]
    except Exception as exc:  # listing must never stop the app
        _log.warning("could not list cameras: %s", exc)
    return []


class CameraTrack(CaptureTrack):
    """Frames from an FFmpeg capture input (a camera), newest first, read in a worker thread."""

    failure_sentence = "The camera stopped working: others see your name instead."

    def __init__(
        self,
        url: str,
        input_format: str,
        options: dict[str, str] | None = None,
        *,
        idle_after: float = 1.0,
    ) -> None:
        super().__init__(idle_after=idle_after, name="camera")
        self.url, self.input_format = url, input_format
        self.options = dict(options or {})

    def _capture(self, keep_going: Callable[[], bool], deliver: Deliver) -> None:
        container = self._open()
        try:
            for frame in container.decode(video=0):
                if not keep_going():
                    return
                deliver(frame, None)
        finally:
            container.close()

    def _open(self) -> av.container.InputContainer:
        try:
            return av.open(self.url, format=self.input_format, options=self.options)
        except av.error.FFmpegError as exc:
            if not self.options:
                raise
            # Some cameras refuse 640x480 at 30 fps: take whatever they offer by default.
            _log.info("camera refused %s, trying its defaults: %s", self.options, exc)
            return av.open(self.url, format=self.input_format)
