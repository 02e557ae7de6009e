"""Consents: newsletter (double opt-in), usage statistics, organiser contact; history of changes."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.privacy_data import (
    NEWSLETTER,
    ORGANISER_CONTACT,
    TESTIMONIAL_PUBLICATION,
    USAGE_STATISTICS,
    Consent,
    Consents,
)
from app.models.text_table_model import TextRow, TextTableModel
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.mail_text import NO_MAIL_FOR_NEWSLETTER
from app.viewmodels.time_text import date_text, date_time_text

# The purposes the panel offers as checkboxes (testimonials have their own section).
TOGGLES = (NEWSLETTER, USAGE_STATISTICS, ORGANISER_CONTACT)
PURPOSE_NAMES = {
    NEWSLETTER: "Newsletter",
    USAGE_STATISTICS: "Anonymous usage statistics",
    TESTIMONIAL_PUBLICATION: "Publishing my testimonials",
    ORGANISER_CONTACT: "E-mail from meeting organisers",
}
SOURCE_NAMES = {"app": "in the app", "web": "on the web", "email": "by e-mail link"}
HISTORY_HEADERS = ("When", "What", "Change", "How", "Policy")
CONFIRM_SENT = "We e-mailed you a link to confirm. The newsletter starts only when you follow it."


def state_text(consent: Consent, mail: bool = True) -> str:
    """ "Given on 24 November 2026", "Waiting for your confirmation" or "Not given"."""
    if consent.granted:
        since = date_text(consent.changed_at or "")
        return f"Given on {since}" if since else "Given"
    if consent.pending and not mail:
        return "Waiting for a confirmation link that this server cannot e-mail"
    if consent.pending:
        return "Waiting for your confirmation: follow the link we e-mailed you"
    return "Not given"


class ConsentsViewModel(FormViewModel):
    """Each purpose's state as a dict; ticking grants, unticking withdraws at once."""

    consentsChanged = Signal(dict)
    # Shown while a newsletter confirmation waits on a server that cannot send e-mail; "" else.
    noMailChanged = Signal(str)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._consents = Consents()
        self._mail = True
        self.history = TextTableModel(HISTORY_HEADERS, self)

    def state(self, purpose: str) -> dict[str, Any]:
        """{"granted", "pending", "checked", "text"}: checked when granted or pending."""
        consent = self._consents.get(purpose)
        return {
            "granted": consent.granted,
            "pending": consent.pending,
            "checked": consent.granted or consent.pending,
            "text": state_text(consent, self._mail),
        }

    @property
    def no_mail_notice(self) -> str:
        """What to do about a newsletter confirmation that cannot be mailed, "" when none."""
        if self._mail or not self._consents.get(NEWSLETTER).pending:
            return ""
        return NO_MAIL_FOR_NEWSLETTER

    def states(self) -> dict[str, dict[str, Any]]:
        """state() of every purpose the panel shows."""
        return {purpose: self.state(purpose) for purpose in PURPOSE_NAMES}

    def clear(self) -> None:
        """Forget everything (on log-out)."""
        self._consents = Consents()
        self._mail = True
        self.history.set_rows([])
        self.clear_messages()
        self.consentsChanged.emit(self.states())
        self.noMailChanged.emit("")

    @asyncSlot()
    async def load(self) -> None:
        """Read every consent and the history."""
        consents = await self._attempt(self._account.api.consents())
        if isinstance(consents, Failed):
            return
        # An older server cannot say: assume it mails, as it did before.
        with contextlib.suppress(ApiError):
            self._mail = (await self._account.api.server_info()).mail
        self._adopt(consents)

    @asyncSlot(str, bool)
    async def change(self, purpose: str, granted: bool) -> None:
        """Grant or withdraw one purpose, then re-read the ledger."""
        self.clear_messages()
        self._set_busy(True)
        try:
            result = await self._account.api.set_consent(purpose, granted)
            consents = await self._account.api.consents()
        except ApiError as exc:
            self._report(exc)
            # Put the checkbox back to what the server holds.
            self.consentsChanged.emit(self.states())
            return
        finally:
            self._set_busy(False)
        self._adopt(consents)
        self._set_status(self._confirmation(result, granted))

    def _confirmation(self, result: Consent, granted: bool) -> str:
        name = PURPOSE_NAMES.get(result.purpose, result.purpose)
        if granted and result.pending:
            return CONFIRM_SENT if self._mail else ""  # the notice says why nothing comes
        if granted:
            return f"{name}: your consent is recorded. Untick the box to withdraw it any time."
        return f"{name}: withdrawn."

    def _adopt(self, consents: Consents) -> None:
        self._consents = consents
        self.history.set_rows(
            [
                TextRow(
                    (
                        date_time_text(event.at),
                        PURPOSE_NAMES.get(event.purpose, event.purpose),
                        "Given" if event.granted else "Withdrawn",
                        SOURCE_NAMES.get(event.source, event.source),
                        event.policy_version or "",
                    )
                )
                for event in reversed(consents.events)
            ]
        )
        self.consentsChanged.emit(self.states())
        self.noMailChanged.emit(self.no_mail_notice)
