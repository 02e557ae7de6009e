"""podium-bot: a participant with no UI, for tests, benchmarks and load tests."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import signal
import sys
from asyncio import FIRST_COMPLETED
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from av.frame import Frame

from app.core.api import UNTRUSTED_CERTIFICATE, ApiClient, ApiError
from app.core.client_settings import validate_server_url
from app.core.invite_link import Invite, invite_page_url, parse_invite
from app.core.meeting.call import Call
from app.core.meeting.signaling_client import SignalingError
from app.core.meeting.testsrc import TestPatternTrack, ToneTrack
from app.core.tls_trust import ssl_option
from protocol.meeting_types import Source
from protocol.pins import parse_pin

GUEST_NAME = "podium-bot"
_COUNTER = {"camera": "video_frames", "microphone": "audio_frames", "screen": "screen_frames"}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="podium-bot", description="Join a Podium meeting as a bot."
    )
    parser.add_argument(
        "--server", help="server URL, e.g. http://127.0.0.1:8443 (not needed with --invite)"
    )
    parser.add_argument(
        "--pin",
        type=pin_argument,
        default=None,
        metavar="sha256:HEX",
        help="trust the server's certificate with this fingerprint (a self-signed server)",
    )
    parser.add_argument(
        "--login", help="e-mail address or username (with --invite: join as this member)"
    )
    parser.add_argument("--password")
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--meeting", help="join code of the meeting to join")
    where.add_argument("--create", metavar="SUBJECT", help="create a meeting and join it")
    where.add_argument(
        "--invite",
        type=invite_argument,
        metavar="URL",
        help="join the meeting of an invite link (as a guest unless --login is given)",
    )
    parser.add_argument(
        "--name", default=GUEST_NAME, help=f"display name as a guest (default {GUEST_NAME!r})"
    )
    parser.add_argument(
        "--publish",
        choices=["testsrc", "none"],
        default="testsrc",
        help="send a test pattern and tone as camera and microphone",
    )
    parser.add_argument(
        "--share", choices=["testsrc"], default=None, help="also share a test pattern as a screen"
    )
    parser.add_argument(
        "--camera-video",
        type=video_format,
        default=VideoFormat(640, 480, 30),
        metavar="WxH@FPS",
        help="size and frame rate of the test pattern sent as camera (default 640x480@30)",
    )
    parser.add_argument(
        "--screen-video",
        type=video_format,
        default=VideoFormat(1280, 720, 15),
        metavar="WxH@FPS",
        help="size and frame rate of the test pattern shared as screen (default 1280x720@15)",
    )
    parser.add_argument(
        "--chat",
        action="append",
        default=[],
        metavar="TEXT",
        help="send this chat message after joining (repeatable)",
    )
    parser.add_argument(
        "--relay-only",
        action="store_true",
        help="send and receive media through the TURN server the server lists only",
    )
    parser.add_argument("--seconds", type=float, default=10.0, help="stay this long, then leave")
    parser.add_argument("--report", action="store_true", help="print a JSON report on exit")
    return parser


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse and check the options together; argparse exits with a message on bad input."""
    parser = build_parser()
    args = parser.parse_args(argv)
    invite: Invite | None = args.invite
    if invite is not None:
        if args.server is not None and validate_server_url(args.server) != invite.server:
            parser.error("--server and the server of --invite differ; give only --invite")
        if args.pin is not None and invite.pin is not None and args.pin != invite.pin:
            parser.error("--pin and the pin in the --invite link differ")
        args.server = invite.server
        args.pin = args.pin or invite.pin
        if (args.login is None) != (args.password is None):
            parser.error("--login and --password go together")
    else:
        if args.server is None:
            parser.error("--server is required (or --invite)")
        if args.login is None or args.password is None:
            parser.error("--login and --password are required (without --invite)")
    return args


def invite_argument(text: str) -> Invite:
    """Parse --invite."""
    try:
        return parse_invite(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def pin_argument(text: str) -> str:
    """Parse --pin."""
    try:
        return parse_pin(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class VideoFormat:
    """A test pattern's size and frame rate."""

    width: int
    height: int
    fps: int


def video_format(text: str) -> VideoFormat:
    """Parse WxH@FPS, e.g. 320x240@15."""
    size, _, fps = text.partition("@")
    width, _, height = size.partition("x")
    try:
        parsed = VideoFormat(int(width), int(height), int(fps))
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected WxH@FPS, like 640x480@30, not {text!r}"
        ) from None
    if not (16 <= parsed.width <= 3840 and 16 <= parsed.height <= 2160 and 1 <= parsed.fps <= 60):
        raise argparse.ArgumentTypeError(f"{text!r} is outside 16x16@1 to 3840x2160@60")
    if parsed.width % 2 or parsed.height % 2:
        raise argparse.ArgumentTypeError(f"{text!r}: width and height must be even")
    return parsed


class Counts:
    """Frames received per participant and source."""

    def __init__(self) -> None:
        self.frames: dict[str, dict[str, int]] = defaultdict(
            lambda: {"video_frames": 0, "audio_frames": 0, "screen_frames": 0}
        )

    def __call__(self, participant: str, source: Source, frame: Frame) -> None:
        self.frames[participant][_COUNTER[source]] += 1


@dataclass(frozen=True)
class Ending:
    """How the bot's stay ended: its exit status and the line it says on stderr ("" for none)."""

    status: int
    message: str = ""
    outcome: str = "left"


# Exit statuses, also in the README: 1 is any other failure, 2 a usage error (argparse).
EXIT_REMOVED = 3
EXIT_MEETING_ENDED = 4
EXIT_SERVER_GONE = 5
STAYED = Ending(0)


# Close codes (docs/protocol.md) that say the same as a `removed` that did not arrive.
CLOSE_REMOVED = 4010
CLOSE_MEETING_ENDED = 4011
CLOSE_SERVER_STOPPING = 1001
CLOSE_LOST = 1006
GONE = "server_gone"


def ending_of(removed_reason: str | None, close_code: int | None) -> Ending:
    """Why the server's events stopped: removed, the meeting ended, or the connection is gone."""
    if removed_reason is not None:  # "removed by a host" or "the meeting has ended"
        ended = "ended" in removed_reason
    elif close_code in (CLOSE_REMOVED, CLOSE_MEETING_ENDED):  # the close said it instead
        ended = close_code == CLOSE_MEETING_ENDED
    elif close_code in (None, CLOSE_SERVER_STOPPING, CLOSE_LOST):
        what = "the server stopped" if close_code == CLOSE_SERVER_STOPPING else "it was lost"
        return Ending(EXIT_SERVER_GONE, f"the connection to the server ended: {what}", GONE)
    else:  # the session ended (logged out, expired...) or the bot was too slow
        why = f"the server closed the connection (code {close_code}, see docs/protocol.md)"
        return Ending(EXIT_SERVER_GONE, why, GONE)
    if ended:
        return Ending(EXIT_MEETING_ENDED, "the meeting has ended", "meeting_ended")
    why = removed_reason or "removed by a host"
    return Ending(EXIT_REMOVED, f"removed from the meeting ({why})", "removed")


async def stay(call: Call, stop: asyncio.Event, seconds: float) -> Ending:
    """Stay until `seconds` pass or `stop` is set (STAYED), or until the server lets us go."""
    stopped = asyncio.ensure_future(stop.wait())
    closed = asyncio.ensure_future(call.wait_closed())
    try:
        await asyncio.wait({stopped, closed}, timeout=seconds, return_when=FIRST_COMPLETED)
    finally:
        stopped.cancel()
        closed.cancel()
    if closed.done() and not closed.cancelled():
        return ending_of(call.state.removed_reason, call.close_code)
    return STAYED


async def run(args: argparse.Namespace) -> tuple[dict[str, Any], Ending]:
    ssl = ssl_option(args.server, args.pin)
    api = ApiClient(args.server, ssl=ssl)
    try:
        if args.login is None:
            # Only with --invite (parse_args sees to it): a guest of that one meeting.
            guest = await api.guest_session(args.invite.code, args.name)
            token, join_code = guest.token, guest.join_code or args.invite.code
        else:
            token = (await api.login(args.login, args.password)).token
            join_code = args.invite.code if args.invite else args.meeting
        if args.create:
            meeting = await api.create_meeting(args.create)
            join_code = meeting.join_code
            print(f"created meeting {meeting.id} join code {join_code}", flush=True)
            link = meeting.invite_url or invite_page_url(args.server, join_code, args.pin)
            print(link, flush=True)
    finally:
        await api.close()

    counts = Counts()
    call = Call(args.server, token, frame_sink=counts, ssl=ssl, relay_only=args.relay_only)
    sources: dict[Source, Any] = {}
    if args.publish == "testsrc":
        camera = args.camera_video
        sources["camera"] = TestPatternTrack(camera.width, camera.height, fps=camera.fps)
        sources["microphone"] = ToneTrack()
    if args.share == "testsrc":
        screen = args.screen_video
        sources["screen"] = TestPatternTrack(screen.width, screen.height, fps=screen.fps)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    try:
        await call.connect()
        try:
            await call.join(join_code, sources)
            for text in args.chat:
                await call.chat(text)
        except SignalingError as exc:
            # Joined, then the connection closed under a request: `stay` says why at once.
            if call.state.meeting is None or exc.code != "disconnected":
                raise
        ending = await stay(call, stop, args.seconds)
        return report_of(call, counts), ending
    finally:
        await call.leave()


def report_of(call: Call, counts: Counts) -> dict[str, Any]:
    """What the bot saw: frames received per participant, and the chat from others."""
    me = call.state.you
    meeting = call.state.meeting
    return {
        "meeting": meeting.id if meeting is not None else None,
        "participant": me,
        "received": {pid: dict(c) for pid, c in counts.frames.items() if pid != me},
        "chat_received": [
            {"from": m.sender, "text": m.body} for m in call.state.chat if m.sender != me
        ],
    }


def bot_message(exc: ApiError) -> str:
    """One line saying what went wrong (and, for an untrusted certificate, what to pass)."""
    pin = exc.details.get("pin")
    if exc.code == UNTRUSTED_CERTIFICATE and pin:
        return f"{exc.message} If you trust this server, run again with --pin {pin}"
    return exc.message


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    try:
        report, ending = asyncio.run(run(args))
    except ApiError as exc:
        print(f"podium-bot: {bot_message(exc)}", file=sys.stderr)
        sys.exit(1)
    except SignalingError as exc:
        print(f"podium-bot: {exc}", file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        sys.exit(130)
    if args.report:
        # What it has, also when the server let it go: the report is the last stdout line.
        print(json.dumps({**report, "outcome": ending.outcome}), flush=True)
    if ending.message:
        print(f"podium-bot: {ending.message}", file=sys.stderr, flush=True)
    sys.exit(ending.status)


if __name__ == "__main__":
    main()
