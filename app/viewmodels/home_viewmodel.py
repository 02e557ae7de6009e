"""The logged-in home: start or join a meeting, and the meetings you host."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.models.meetings_model import MeetingRow, MeetingsModel
from app.viewmodels.form_viewmodel import Failed, FormViewModel
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from app.viewmodels.time_text import date_time_text


class HomeViewModel(FormViewModel):
    """Greets the member; its status line says how the last meeting ended."""

    greetingChanged = Signal(str)

    def __init__(
        self, account: AccountSession, meeting: MeetingViewModel, parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._account = account
        self.meeting = meeting
        self.meetings = MeetingsModel(self)
        self._greeting = ""

    @property
    def greeting(self) -> str:
        """ "Hello, Ada"."""
        return self._greeting

    def set_name(self, name: str) -> None:
        """Greet the member by name."""
        self._greeting = f"Hello, {name}" if name else "Hello"
        self.greetingChanged.emit(self._greeting)

    def show_status(self, message: str) -> None:
        """Show how the last meeting ended (or any info)."""
        self.clear_messages()
        self._set_status(message)

    @asyncSlot()
    async def load(self) -> None:
        """Fetch the meetings you host."""
        if not self._account.logged_in:
            return
        meetings = await self._attempt(self._account.api.my_meetings())
        if isinstance(meetings, Failed):
            return
        for m in meetings:
            self.meeting.offer_invite(m.join_code, m.invite_url)
        self.meetings.set_rows(
            [
                MeetingRow(
                    subject=m.subject,
                    join_code=m.join_code,
                    created=date_time_text(m.created_at),
                    ended=m.ended_at is not None,
                    invite_url=m.invite_url,
                    ended_when=date_time_text(m.ended_at) if m.ended_at else "",
                )
                for m in meetings
            ]
        )

    def clear(self) -> None:
        """Forget the list (on log-out)."""
        self.meetings.set_rows([])
        self.clear_messages()
