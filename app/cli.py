"""The `podium` command line and the no-display check; no Qt here, so both stay cheap."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from app.core.client_settings import validate_server_url
from app.core.invite_link import Invite, parse_invite
from app.core.paths import CONFIG_DIR_ENV, DATA_DIR_ENV

NO_DISPLAY_MESSAGE = (
    "podium: no display found; to run the server alone use `podium-server` (or `make server`)"
)
NO_DISPLAY_EXIT = 2
# Demo and test runs: a test pattern and a tone in place of the camera and microphone.
SYNTHETIC_DEVICES_ENV = "PODIUM_SYNTHETIC_DEVICES"


@dataclass(frozen=True)
class Options:
    """What the command line asked for."""

    data_dir: str | None = None
    config_dir: str | None = None
    server: str | None = None
    synthetic_devices: bool = False
    invite: Invite | None = None


def parse_args(argv: Sequence[str] | None = None, env: Mapping[str, str] | None = None) -> Options:
    """Parse `podium` options and the environment; argparse exits with a message on bad input."""
    parser = argparse.ArgumentParser(
        prog="podium", description="Podium: webinars and meetings on your own server."
    )
    parser.add_argument(
        "--data-dir", help=f"folder for the bundled server's data (env {DATA_DIR_ENV})"
    )
    parser.add_argument("--config-dir", help=f"folder for the app settings (env {CONFIG_DIR_ENV})")
    parser.add_argument(
        "--server", metavar="URL", help="use the Podium server at URL instead of asking"
    )
    parser.add_argument(
        "--synthetic-devices",
        action="store_true",
        help="demo/test: send a test pattern and a tone instead of your camera and microphone"
        f" (env {SYNTHETIC_DEVICES_ENV}=1)",
    )
    parser.add_argument(
        "--join",
        metavar="URL",
        help="open the app at joining the meeting of an invite link"
        " (https://SERVER/j/CODE or podium://join?...)",
    )
    parser.add_argument(
        "link", nargs="?", help="an invite link, as the desktop opens podium:// links"
    )
    args = parser.parse_args(argv)
    synthetic = args.synthetic_devices or (env or {}).get(SYNTHETIC_DEVICES_ENV) == "1"
    server = None
    if args.server is not None:
        try:
            server = validate_server_url(args.server)
        except ValueError as exc:
            parser.error(f"--server: {exc}")
    return Options(
        data_dir=args.data_dir,
        config_dir=args.config_dir,
        server=server,
        synthetic_devices=synthetic,
        invite=_invite(parser, args.join, args.link),
    )


def _invite(parser: argparse.ArgumentParser, join: str | None, link: str | None) -> Invite | None:
    if join is not None and link is not None:
        parser.error("give the invite link once: either --join URL or the link itself")
    text = join if join is not None else link
    if text is None:
        return None
    try:
        return parse_invite(text)
    except ValueError as exc:
        parser.error(f"cannot open this invite link: {exc}")


def has_display(env: Mapping[str, str], platform: str = sys.platform) -> bool:
    """False on a Linux/BSD box with no X11 or Wayland and no explicit Qt platform."""
    if platform in ("win32", "darwin", "cygwin"):
        return True
    return any(env.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
