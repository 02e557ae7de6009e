"""The `podium` command line: options, and a clear message when there is no display."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.cli import (
    NO_DISPLAY_EXIT,
    NO_DISPLAY_MESSAGE,
    SYNTHETIC_DEVICES_ENV,
    Options,
    has_display,
    parse_args,
)

REPO = Path(__file__).resolve().parents[2]


def test_options_are_parsed_and_the_server_url_checked() -> None:
    assert parse_args([]) == Options()
    options = parse_args(["--data-dir", "d", "--config-dir", "c", "--server", "https://x.org/"])
    assert options == Options(data_dir="d", config_dir="c", server="https://x.org")


def test_synthetic_devices_only_when_asked_for_out_loud() -> None:
    assert parse_args([], {}).synthetic_devices is False
    assert parse_args([], {SYNTHETIC_DEVICES_ENV: "0"}).synthetic_devices is False
    assert parse_args(["--synthetic-devices"]).synthetic_devices is True
    assert parse_args([], {SYNTHETIC_DEVICES_ENV: "1"}).synthetic_devices is True


def test_a_bad_server_url_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args(["--server", "ftp://x.org"])
    assert caught.value.code == 2
    assert "--server" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("env", "platform", "expected"),
    [
        ({}, "linux", False),
        ({"DISPLAY": ":0"}, "linux", True),
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", True),
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", True),
        ({"DISPLAY": ""}, "freebsd14", False),
        ({}, "win32", True),
        ({}, "darwin", True),
    ],
)
def test_display_detection(env: dict[str, str], platform: str, expected: bool) -> None:
    assert has_display(env, platform) is expected


@pytest.mark.skipif(sys.platform in ("win32", "darwin"), reason="these always have a display")
def test_without_a_display_podium_says_so_in_one_line(tmp_path: Path) -> None:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["PODIUM_CONFIG_DIR"] = str(tmp_path / "config")
    env["PODIUM_DATA_DIR"] = str(tmp_path / "data")
    done = subprocess.run(
        [sys.executable, "-m", "app"], cwd=REPO, env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == NO_DISPLAY_EXIT
    assert done.stdout == ""
    assert done.stderr.splitlines() == [NO_DISPLAY_MESSAGE]
    assert not (tmp_path / "data").exists()


INVITE = "podium://join?server=https://192.0.2.7:8443&code=abcd-efgh-jkmn&pin=sha256:" + "0f" * 32


def test_an_invite_link_is_taken_as_the_argument_or_with_join() -> None:
    given = parse_args([INVITE])
    assert given.invite is not None
    assert (given.invite.server, given.invite.code) == ("https://192.0.2.7:8443", "abcd-efgh-jkmn")
    assert parse_args(["--join", INVITE]) == given
    page = parse_args(["--join", "https://podium.example.org/j/abcd-efgh-jkmn"]).invite
    assert page is not None and page.pin is None
    assert parse_args([]).invite is None


@pytest.mark.parametrize(
    "argv",
    [
        ["javascript:alert(1)"],
        ["--join", "ftp://x.org/j/abcd"],
        ["podium://join?code=abcd"],
        ["--join", INVITE, INVITE],
    ],
)
def test_a_bad_invite_link_is_a_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as caught:
        parse_args(argv)
    assert caught.value.code == 2
    assert "invite link" in capsys.readouterr().err


def test_podium_with_a_bad_link_exits_with_a_message_not_a_traceback(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env["PODIUM_CONFIG_DIR"] = str(tmp_path / "config")
    env["PODIUM_DATA_DIR"] = str(tmp_path / "data")
    bad = "podium://join?server=https://x.org&code=abcd&pin=sha256:nothex"
    done = subprocess.run(
        [sys.executable, "-m", "app", bad],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "cannot open this invite link" in done.stderr and "pin" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "data").exists() and not (tmp_path / "config").exists()
