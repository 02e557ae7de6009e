"""The desktop file that registers podium:// links, and `make install-desktop` installing it."""

from __future__ import annotations

import configparser
import os
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
ENTRY = "Desktop Entry"


def read_entry(path: Path) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(path, encoding="utf-8")
    return parser[ENTRY]


def test_the_desktop_file_hands_podium_links_to_the_app() -> None:
    entry = read_entry(REPO / "resources" / "podium.desktop")
    assert entry["Type"] == "Application"
    assert entry["Exec"] == "podium %u"
    assert "x-scheme-handler/podium" in entry["MimeType"].split(";")
    assert entry["StartupWMClass"] == "podium"  # what the app sets as its desktop file name


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_install_desktop_installs_it_for_this_checkout(tmp_path: Path) -> None:
    if not (REPO / ".venv" / "bin" / "python").exists():
        pytest.skip("no .venv in this checkout (make install makes it)")
    env = {**os.environ, "HOME": str(tmp_path / "home")}
    done = subprocess.run(
        ["make", "--no-print-directory", "install-desktop"],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    # ~/.local/share unless XDG_DATA_HOME says otherwise (the test fixtures set it).
    data_home = Path(env.get("XDG_DATA_HOME") or tmp_path / "home" / ".local" / "share")
    installed = data_home / "applications" / "podium.desktop"
    entry = read_entry(installed)
    command = shlex.split(entry["Exec"])
    assert command[:3] == [str(REPO / ".venv" / "bin" / "python"), "-m", "app"]
    assert command[3:] == ["%u"]
    assert Path(entry["Icon"]).is_file()
    # The installed command really runs the app: a bad link gets the app's own usage error.
    ran = subprocess.run(
        [*command[:3], "javascript:alert(1)"], env=env, capture_output=True, text=True, timeout=60
    )
    assert ran.returncode == 2 and "cannot open this invite link" in ran.stderr
    if shutil.which("xdg-mime") is None:
        assert "xdg-mime is not installed" in done.stdout
        return
    query = subprocess.run(
        ["xdg-mime", "query", "default", "x-scheme-handler/podium"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert query.stdout.strip() == "podium.desktop"
