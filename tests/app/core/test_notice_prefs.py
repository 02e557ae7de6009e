"""The notice-sound choice on disk: off unless saved on, and an unreadable file means off."""

from __future__ import annotations

from pathlib import Path

from app.core.notice_prefs import NOTICE_FILE, NoticePrefsFile


def test_the_sound_is_off_until_turned_on_and_stays_as_saved(tmp_path: Path) -> None:
    prefs = NoticePrefsFile(tmp_path / "config")
    assert prefs.load_sound() is False  # no file yet
    prefs.save_sound(True)
    assert NoticePrefsFile(tmp_path / "config").load_sound() is True
    prefs.save_sound(False)
    assert prefs.load_sound() is False
    assert [p.name for p in (tmp_path / "config").iterdir()] == [NOTICE_FILE]  # no temp left


def test_a_damaged_file_means_off(tmp_path: Path) -> None:
    for content in ("{not json", '"sound"', '{"sound": "yes"}', "[true]"):
        (tmp_path / NOTICE_FILE).write_text(content)
        assert NoticePrefsFile(tmp_path).load_sound() is False
