"""Testimonials: submit one with explicit consent to publish it, see mine, withdraw any."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.privacy_data import Testimonial
from app.models.text_table_model import TextRow, TextTableModel
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.time_text import date_text

HEADERS = ("Submitted", "Testimonial", "Signed as", "Status")
MAX_BODY = 2000
MAX_NAME = 100


def status_text(item: Testimonial) -> str:
    """Where a testimonial stands, in words."""
    if item.status == "withdrawn":
        return "Withdrawn"
    if item.published:
        return "Published"
    if item.status == "approved":
        return "Approved, not shown"
    return "Waiting for review"


class TestimonialsViewModel(FormViewModel):
    """The member's testimonials as a table; each row's key is its id (None once withdrawn)."""

    submitted = Signal()

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self.model = TextTableModel(HEADERS, self)

    def clear(self) -> None:
        """Forget the list (on log-out)."""
        self.model.set_rows([])
        self.clear_messages()

    @asyncSlot()
    async def load(self) -> None:
        """Read my testimonials."""
        items = await self._attempt(self._account.api.my_testimonials())
        if isinstance(items, Failed):
            return
        self._show(items)

    @asyncSlot(str, str, bool)
    async def submit(self, body: str, display_name: str, consent: bool) -> None:
        """Send a testimonial; never without the consent box ticked."""
        self.clear_messages()
        body, display_name = body.strip(), display_name.strip()
        errors = {}
        if not body:
            errors["body"] = "Please write your testimonial."
        elif len(body) > MAX_BODY:
            errors["body"] = f"At most {MAX_BODY} characters, please."
        if not display_name:
            errors["display_name"] = "Please say how to sign it."
        elif len(display_name) > MAX_NAME:
            errors["display_name"] = f"At most {MAX_NAME} characters, please."
        if not consent:
            errors["consent"] = "Tick the box to let Podium publish it, or don't send it."
        if errors:
            self._set_field_errors(errors)
            return
        self._set_busy(True)
        try:
            await self._account.api.submit_testimonial(body, display_name)
            items = await self._account.api.my_testimonials()
        except ApiError as exc:
            self._report(exc)
            return
        finally:
            self._set_busy(False)
        self._show(items)
        self.submitted.emit()
        self._set_status("Thank you. It is published once an administrator has approved it.")

    @asyncSlot(int)
    async def withdraw(self, testimonial_id: int) -> None:
        """Withdraw one testimonial: it stops being shown at once."""
        self.clear_messages()
        self._set_busy(True)
        try:
            await self._account.api.withdraw_testimonial(testimonial_id)
            items = await self._account.api.my_testimonials()
        except ApiError as exc:
            self._report(exc)
            return
        finally:
            self._set_busy(False)
        self._show(items)
        self._set_status("Withdrawn: it is no longer shown anywhere.")

    def _show(self, items: list[Testimonial]) -> None:
        self.model.set_rows(
            [
                TextRow(
                    (date_text(item.created_at), item.body, item.display_name, status_text(item)),
                    key=None if item.status == "withdrawn" else item.id,
                    tooltip=item.body,
                )
                for item in items
            ]
        )
