"""podium-bot's media options: sizes and frame rates a load test or soak can choose."""

from __future__ import annotations

import argparse

import pytest

from app.bot import VideoFormat, build_parser, parse_args


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(
        ["--server", "http://x", "--login", "a", "--password", "p", "--meeting", "c", *argv]
    )


def test_defaults_are_a_vga_camera_and_a_720p_screen() -> None:
    args = parse()
    assert args.camera_video == VideoFormat(640, 480, 30)
    assert args.screen_video == VideoFormat(1280, 720, 15)


def test_a_chosen_size_and_rate_is_used() -> None:
    args = parse("--camera-video", "320x240@15", "--screen-video", "1920x1080@5")
    assert args.camera_video == VideoFormat(320, 240, 15)
    assert args.screen_video == VideoFormat(1920, 1080, 5)


@pytest.mark.parametrize("bad", ["320x240", "axb@5", "321x240@15", "320x240@0", "8000x240@15"])
def test_a_bad_format_is_a_usage_error(bad: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stop:
        parse("--camera-video", bad)
    assert stop.value.code == 2
    assert "--camera-video" in capsys.readouterr().err


INVITE = "https://192.0.2.7:8443/j/abcd-efgh-jkmn?pin=sha256:" + "0f" * 32


def test_an_invite_gives_the_server_and_pin_and_needs_no_account() -> None:
    args = parse_args(["--invite", INVITE, "--name", "Guest Bot"])
    assert args.server == "https://192.0.2.7:8443"
    assert args.pin == "sha256:" + "0f" * 32
    assert args.login is None and args.name == "Guest Bot"
    member = parse_args(["--invite", INVITE, "--login", "ann", "--password", "p"])
    assert member.login == "ann"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--invite", "javascript:alert(1)"], "--invite"),
        (["--invite", INVITE, "--server", "https://other.example.org"], "differ"),
        (["--invite", INVITE, "--pin", "sha256:" + "ab" * 32], "differ"),
        (["--invite", INVITE, "--login", "ann"], "--password"),
        (["--meeting", "abcd", "--login", "a", "--password", "p"], "--server"),
        (["--server", "http://x", "--meeting", "abcd"], "--login"),
        (["--server", "http://x", "--login", "a", "--password", "p", "--pin", "nope"], "--pin"),
    ],
)
def test_inconsistent_options_are_usage_errors(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        parse_args(argv)
    assert stop.value.code == 2
    assert says in capsys.readouterr().err
