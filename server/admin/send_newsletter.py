"""`admin send-newsletter`: queue a newsletter for every member whose newsletter consent stands."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from server.admin.command import AdminCommand, AdminContext
from server.mail.links import configured_base_url
from server.mail.outbox import Outbox
from server.privacy.consent_mail import ConsentMail
from server.store.consents import ConsentStore
from server.store.outbox import OutboxStore


def _arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--subject", required=True, help="the e-mail's subject (one line)")
    parser.add_argument(
        "--body", required=True, type=Path, metavar="FILE", help="UTF-8 plain-text file"
    )


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    try:
        body = args.body.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read the body {args.body}: {exc}", file=sys.stderr)
        return 2
    if not body.strip():
        print("not sent: the body is empty", file=sys.stderr)
        return 1
    settings = context.settings
    outbox = Outbox(OutboxStore(context.db), time.time)
    service = ConsentMail(
        ConsentStore(context.db), outbox, time.time, configured_base_url(settings)
    )
    try:
        count = await service.send_newsletter(args.subject, body)
    except ValueError as exc:
        print(f"not sent: {exc}", file=sys.stderr)
        return 1
    print(f"newsletter queued for {count} subscriber(s), each with a one-click unsubscribe link")
    if not settings.public_url:
        base = configured_base_url(settings)
        print(f"warning: [server] public_url is not set; the links point at {base}")
    if not settings.smtp_host:
        print("note: no SMTP relay is configured ([mail] host): the mail waits in the outbox")
    return 0


COMMAND = AdminCommand(
    "send-newsletter",
    "e-mail a newsletter to every member who confirmed their subscription",
    _arguments,
    _run,
)
