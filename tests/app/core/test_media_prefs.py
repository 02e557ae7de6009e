"""The pre-join choices file: round trip, damage and odd values never stop a join."""

from __future__ import annotations

import json
from pathlib import Path

from app.core.media_prefs import PREFS_FILE, MediaPrefs, MediaPrefsFile


def test_choices_come_back_after_saving(tmp_path: Path) -> None:
    prefs = MediaPrefs(
        camera_id="/dev/v4l/by-id/usb-cam", microphone_id="alsa:2", mic_on=False, camera_on=True
    )
    MediaPrefsFile(tmp_path / "config").save(prefs)
    assert MediaPrefsFile(tmp_path / "config").load() == prefs
    assert [p.name for p in (tmp_path / "config").iterdir()] == [PREFS_FILE]  # no temp file left


def test_first_start_gives_defaults_everything_on(tmp_path: Path) -> None:
    prefs = MediaPrefsFile(tmp_path).load()
    assert prefs == MediaPrefs() and prefs.mic_on and prefs.camera_on
    assert prefs.camera_id is None and prefs.microphone_id is None and prefs.speaker_id is None


def test_a_damaged_file_gives_defaults_and_is_replaced_on_the_next_save(tmp_path: Path) -> None:
    path = tmp_path / PREFS_FILE
    path.write_text("{not json", encoding="utf-8")
    file = MediaPrefsFile(tmp_path)
    assert file.load() == MediaPrefs()
    file.save(MediaPrefs(camera_on=False))
    assert file.load() == MediaPrefs(camera_on=False)


def test_odd_values_are_dropped_one_by_one(tmp_path: Path) -> None:
    path = tmp_path / PREFS_FILE
    data = {"camera_id": 7, "microphone_id": "", "speaker_id": "x" * 5000, "mic_on": "no"}
    path.write_text(json.dumps({**data, "camera_on": False}), encoding="utf-8")
    assert MediaPrefsFile(tmp_path).load() == MediaPrefs(camera_on=False)
    path.write_text("[1, 2]", encoding="utf-8")
    assert MediaPrefsFile(tmp_path).load() == MediaPrefs()
