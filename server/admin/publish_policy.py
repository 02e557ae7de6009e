"""`admin publish-policy`: store a new privacy policy version and e-mail every member about it."""

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, date, datetime
from pathlib import Path

from server.admin.command import AdminCommand, AdminContext
from server.mail.outbox import Outbox
from server.privacy.policy import PolicyError, PolicyService, effective_label
from server.store.outbox import OutboxStore
from server.store.policies import PolicyStore


def parse_effective(value: str) -> float:
    """An ISO-8601 date (midnight UTC) or date-time (UTC unless it says otherwise)."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            f"not an ISO-8601 date or date-time: {value!r} (e.g. 2027-03-01 or 2027-03-01T09:00Z)"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", required=True, help="the version's name, e.g. 2027-03")
    parser.add_argument(
        "--effective",
        required=True,
        type=parse_effective,
        metavar="DATE",
        help="when it takes effect: ISO-8601 date (midnight UTC) or date-time",
    )
    parser.add_argument(
        "--summary",
        required=True,
        type=Path,
        metavar="FILE",
        help="UTF-8 text file: what changes, in plain words (it goes into the e-mail)",
    )


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    try:
        summary = args.summary.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read the summary {args.summary}: {exc}", file=sys.stderr)
        return 2
    outbox = Outbox(OutboxStore(context.db), time.time)
    service = PolicyService(PolicyStore(context.db), outbox, time.time)
    try:
        mailed = await service.publish(args.version, args.effective, summary)
    except PolicyError as exc:
        print(f"not published: {exc}", file=sys.stderr)
        return 1
    print(f"published policy {args.version.strip()}, effective {effective_label(args.effective)}")
    print(f"{mailed} member(s) e-mailed (queued in the outbox)")
    if args.effective <= time.time():
        print("warning: it is already in effect, so members got no advance notice")
    if not context.settings.smtp_host:
        print("note: no SMTP relay is configured ([mail] host): the mail waits in the outbox")
    return 0


COMMAND = AdminCommand(
    "publish-policy",
    "publish a privacy policy version and e-mail every member about it",
    _arguments,
    _run,
)
