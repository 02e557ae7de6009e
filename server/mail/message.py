"""Turn an outbox row into the e-mail that goes out, with RFC 8058 headers on non-essential mail."""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr

from server.store.outbox import OutboxRecord

UNSUBSCRIBE_FOOTER = (
    "\n\n-- \nYou get this e-mail because you agreed to it. To stop, unsubscribe with one click:\n"
    "{url}\n"
)


def build_message(mail: OutboxRecord, mail_from: str) -> EmailMessage:
    """The message for `mail`; service mail never carries unsubscribe headers or links."""
    message = EmailMessage()
    message["From"] = mail_from
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(datetime.fromtimestamp(mail.created_at, UTC))
    message["Message-ID"] = make_msgid(domain=_domain(mail_from))
    body = mail.body
    if not mail.essential and mail.unsubscribe_url:
        message["List-Unsubscribe"] = f"<{mail.unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        body = body.rstrip("\n") + UNSUBSCRIBE_FOOTER.format(url=mail.unsubscribe_url)
    message.set_content(body)
    return message


def _domain(mail_from: str) -> str:
    address = parseaddr(mail_from)[1]
    try:
        domain = Address(addr_spec=address).domain
    except (ValueError, IndexError):
        domain = ""
    # Without a domain of our own, make_msgid would put this machine's host name in every message.
    return domain or "podium.invalid"
