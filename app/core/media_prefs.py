"""The devices and on/off choices of the pre-join page, remembered in the config folder."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

PREFS_FILE = "media.json"
MAX_ID = 1000  # device ids are paths or names; anything longer is not one of ours

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MediaPrefs:
    """Which camera, microphone and speaker to use (None: the system's default) and what is on."""

    camera_id: str | None = None
    microphone_id: str | None = None
    speaker_id: str | None = None
    mic_on: bool = True
    camera_on: bool = True

    def to_json(self) -> dict[str, str | bool | None]:
        """A JSON-ready dict."""
        return asdict(self)

    @classmethod
    def from_json(cls, data: object) -> MediaPrefs:
        """Parse, keeping each field that makes sense and the default for any that does not."""
        if not isinstance(data, dict):
            raise ValueError("media preferences must be a JSON object")
        defaults = cls()
        return cls(
            camera_id=_device_id(data.get("camera_id")),
            microphone_id=_device_id(data.get("microphone_id")),
            speaker_id=_device_id(data.get("speaker_id")),
            mic_on=_flag(data.get("mic_on"), defaults.mic_on),
            camera_on=_flag(data.get("camera_on"), defaults.camera_on),
        )


def _device_id(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


def _flag(value: object, default: bool) -> bool:
    return value if isinstance(value, bool) else default


class MediaPrefsFile:
    """Loads and saves MediaPrefs at one path."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / PREFS_FILE

    def load(self) -> MediaPrefs:
        """The saved choices; the defaults on first start or when the file is unreadable."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return MediaPrefs()
        except OSError as exc:
            _log.warning("cannot read %s: %s", self.path, exc)
            return MediaPrefs()
        try:
            return MediaPrefs.from_json(json.loads(raw))
        except ValueError as exc:
            # A damaged file brings back the defaults, never stops the app from joining.
            _log.warning("ignoring unreadable media preferences in %s: %s", self.path, exc)
            return MediaPrefs()

    def save(self, prefs: MediaPrefs) -> None:
        """Write atomically so a crash never leaves a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".media-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(prefs.to_json(), handle, indent=2)
                handle.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
