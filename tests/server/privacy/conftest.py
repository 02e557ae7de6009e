"""Fixtures for the privacy tests: a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

import asyncio
import dataclasses
import email
import email.policy
import queue
import socket
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from server.settings import Settings


class SmtpRelay:
    """An aiosmtpd handler that keeps what it receives, or refuses it when told to."""

    def __init__(self) -> None:
        self.host = "127.0.0.1"
        self.port = 0
        self.refuse_data: str | None = None  # e.g. "451 4.3.0 try again later"
        self.refuse_recipients: str | None = None  # e.g. "554 5.7.1 not accepted"
        self._received: queue.Queue[EmailMessage] = queue.Queue()

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        if self.refuse_recipients:
            return self.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.refuse_data:
            return self.refuse_data
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self._received.put(message)
        return "250 OK"

    async def next_message(self, within: float = 20.0) -> EmailMessage:
        """The next message the relay accepts; queue.Empty if none comes `within` seconds."""
        return await asyncio.to_thread(self._received.get, timeout=within)

    def received_so_far(self) -> list[EmailMessage]:
        """What has arrived and not been taken yet, without waiting."""
        found = []
        while True:
            try:
                found.append(self._received.get_nowait())
            except queue.Empty:
                return found

    def settings_for(self, settings: Settings) -> Settings:
        """`settings` with this relay as the SMTP server."""
        return dataclasses.replace(
            settings, smtp_host=self.host, smtp_port=self.port, smtp_starttls=False
        )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[SmtpRelay]:
    relay = SmtpRelay()
    relay.port = _free_port()
    controller = Controller(relay, hostname=relay.host, port=relay.port, ready_timeout=10)
    controller.start()
    try:
        yield relay
    finally:
        controller.stop()
