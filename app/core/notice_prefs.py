"""The meeting-notice preferences (a sound for joins, leaves and raised hands), kept on disk."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from pathlib import Path

NOTICE_FILE = "meeting-notices.json"

_log = logging.getLogger(__name__)


class NoticePrefsFile:
    """Loads and saves whether meeting notices play a sound (off unless the user turned it on)."""

    def __init__(self, config_dir: Path) -> None:
        self.path = Path(config_dir) / NOTICE_FILE

    def load_sound(self) -> bool:
        """True when the user asked for the sound; False when not, or the file is unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return False
        except (OSError, ValueError) as exc:
            _log.warning("ignoring unreadable %s: %s", self.path, exc)
            return False
        return isinstance(data, dict) and data.get("sound") is True

    def save_sound(self, on: bool) -> None:
        """Write atomically so a crash never leaves a half-written file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".notices-", suffix=".json", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"sound": on}, handle)
                handle.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
