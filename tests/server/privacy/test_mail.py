"""The outbox and its sender against a real SMTP server (aiosmtpd): headers, waiting, retries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from server.app import create_app
from server.keys import MAIL, MAIL_SENDER
from server.mail.links import configured_base_url
from server.mail.sender import MAX_ATTEMPTS, retry_delay
from server.settings import Settings
from tests.server.conftest import Clock
from tests.server.privacy.conftest import SmtpRelay
from tests.server.privacy.consent_helpers import body_of, outbox

UNSUBSCRIBE = "http://podium.example/unsubscribe/abc"


@pytest.fixture
async def client(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay
) -> TestClient:
    return await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))


async def test_non_essential_mail_has_one_click_unsubscribe_and_service_mail_has_none(
    client: TestClient, smtp: SmtpRelay
) -> None:
    mail = client.app[MAIL]
    await mail.enqueue(
        user_id=None,
        recipient="reader@example.org",
        subject="Our newsletter",
        body="News.",
        essential=False,
        unsubscribe_url=UNSUBSCRIBE,
    )
    newsletter = await smtp.next_message()
    assert newsletter["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert newsletter["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert UNSUBSCRIBE in body_of(newsletter)
    assert newsletter["To"] == "reader@example.org"
    assert newsletter["Subject"] == "Our newsletter"

    await mail.enqueue(
        user_id=None,
        recipient="member@example.org",
        subject="Security notice",
        body="Your password was changed.",
        essential=True,
    )
    notice = await smtp.next_message()
    assert notice["Subject"] == "Security notice"
    assert "List-Unsubscribe" not in notice
    assert "List-Unsubscribe-Post" not in notice
    assert "unsubscribe" not in body_of(notice).lower()


async def test_enqueue_refuses_mail_that_breaks_the_rules(client: TestClient) -> None:
    mail = client.app[MAIL]
    base: dict[str, Any] = {"user_id": None, "recipient": "a@example.org", "body": "x"}
    with pytest.raises(ValueError, match="unsubscribe"):
        await mail.enqueue(**base, subject="News", essential=False)
    with pytest.raises(ValueError, match="no unsubscribe"):
        await mail.enqueue(**base, subject="Receipt", essential=True, unsubscribe_url=UNSUBSCRIBE)
    with pytest.raises(ValueError, match="subject"):
        await mail.enqueue(**base, subject="Two\nlines", essential=True)
    with pytest.raises(ValueError, match="address"):
        await mail.enqueue(
            user_id=None,
            recipient="a@example.org, b@example.org",
            subject="S",
            body="x",
            essential=True,
        )
    assert await outbox(client) == []


async def test_without_a_relay_mail_waits_and_goes_out_once_one_is_configured(
    aiohttp_client: Any, settings: Settings, clock: Clock, smtp: SmtpRelay
) -> None:
    first = await aiohttp_client(create_app(settings, clock=clock))
    for n in range(3):
        await first.app[MAIL].enqueue(
            user_id=None,
            recipient=f"member{n}@example.org",
            subject=f"Notice {n}",
            body="Kept until it can be sent.",
            essential=True,
        )
    assert await first.app[MAIL_SENDER].deliver_due() == 0
    waiting = await outbox(first)
    assert [(m.sent_at, m.attempts, m.failed_at) for m in waiting] == [(None, 0, None)] * 3
    await first.close()
    assert smtp.received_so_far() == []

    # The same data directory, now with a relay: everything queued goes out.
    second = await aiohttp_client(create_app(smtp.settings_for(settings), clock=clock))
    received = [await smtp.next_message() for _ in range(3)]
    assert sorted(str(m["Subject"]) for m in received) == ["Notice 0", "Notice 1", "Notice 2"]
    # A pass of our own waits for the background one, so its bookkeeping is done.
    assert await second.app[MAIL_SENDER].deliver_due() == 0
    sent = await outbox(second)
    assert all(m.sent_at is not None and m.attempts == 1 for m in sent)


@pytest.mark.parametrize(
    "refusal",
    [
        {"refuse_data": "451 4.3.0 try again later"},
        {"refuse_recipients": "554 5.7.1 not accepted here"},
    ],
    ids=["451-at-data", "554-at-rcpt"],
)
async def test_a_refusing_relay_is_retried_with_back_off_and_nothing_is_lost(
    client: TestClient, smtp: SmtpRelay, clock: Clock, refusal: dict[str, str]
) -> None:
    for name, reply in refusal.items():
        setattr(smtp, name, reply)
    code = next(iter(refusal.values()))[:3]
    sender = client.app[MAIL_SENDER]
    await client.app[MAIL].enqueue(
        user_id=None, recipient="patient@example.org", subject="Hello", body="x", essential=True
    )
    await sender.deliver_due()
    [mail] = await outbox(client)
    assert (mail.attempts, mail.sent_at, mail.failed_at) == (1, None, None)
    assert code in (mail.last_error or "")
    assert mail.next_attempt_at == clock.now + 60

    clock.advance(59)
    assert await sender.deliver_due() == 0
    assert (await outbox(client))[0].attempts == 1  # not due yet: not tried again
    clock.advance(1)
    await sender.deliver_due()
    [mail] = await outbox(client)
    assert mail.attempts == 2 and mail.next_attempt_at == clock.now + 120

    for name in refusal:
        setattr(smtp, name, None)
    clock.advance(120)
    assert await sender.deliver_due() == 1
    assert (await smtp.next_message())["Subject"] == "Hello"
    [mail] = await outbox(client)
    assert mail.sent_at == clock.now and mail.attempts == 3


def test_back_off_doubles_from_a_minute_to_six_hours() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[:4] == [60, 120, 240, 480]
    assert delays[-1] == 6 * 3600 and max(delays) == 6 * 3600
    assert delays == sorted(delays)


async def test_after_the_last_retry_mail_is_marked_failed_and_kept(
    client: TestClient, smtp: SmtpRelay, clock: Clock
) -> None:
    smtp.refuse_data = "451 4.3.0 try again later"
    sender = client.app[MAIL_SENDER]
    await client.app[MAIL].enqueue(
        user_id=None, recipient="gone@example.org", subject="Hello", body="x", essential=True
    )
    for _ in range(MAX_ATTEMPTS):
        await sender.deliver_due()
        clock.advance(retry_delay(MAX_ATTEMPTS))
    [mail] = await outbox(client)
    assert mail.attempts == MAX_ATTEMPTS
    assert mail.failed_at is not None and mail.sent_at is None
    assert "451" in (mail.last_error or "")
    smtp.refuse_data = None
    assert await sender.deliver_due() == 0  # given up: not tried again, but still in the outbox
    assert len(await outbox(client)) == 1


def test_links_use_public_url_when_set(tmp_path: Path) -> None:
    assert configured_base_url(Settings(data_dir=tmp_path)) == "http://127.0.0.1:8443"
    configured = Settings(data_dir=tmp_path, public_url="https://podium.example.org")
    assert configured_base_url(configured) == "https://podium.example.org"
    assert configured_base_url(Settings(data_dir=tmp_path, host="::1", port=9000)) == (
        "http://[::1]:9000"
    )
