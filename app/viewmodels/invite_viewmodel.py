"""Joining from an invite link: as a guest with a display name, or by logging in."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.guest_name import MAX_NAME, GuestNameFile
from app.core.invite_link import Invite, invite_page_url
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.meeting_viewmodel import MeetingViewModel
from app.viewmodels.messages import describe

NAME_FIELD = "display_name"
NO_NAME = "Enter the name the others in the meeting will see."
LONG_NAME = f"Use at most {MAX_NAME} characters."
NOT_FOUND = "There is no meeting with this code on this server. Check the invite link."
ENDED = "This meeting has ended."
GONE = 410

log = logging.getLogger(__name__)


class InviteViewModel(FormViewModel):
    """The meeting an invite names; `join_as_guest` starts a guest session and joins it."""

    inviteChanged = Signal()
    nameChanged = Signal(str)
    loginWanted = Signal()
    guestReady = Signal(str)  # the guest session exists: join this code (after the device check)

    def __init__(
        self,
        account: AccountSession,
        meeting: MeetingViewModel,
        names: GuestNameFile,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._account = account
        self._meeting = meeting
        self._names = names
        self._invite: Invite | None = None
        self._name = names.load()
        self._guest = False

    @property
    def invite(self) -> Invite | None:
        """The invite being joined, if any."""
        return self._invite

    @property
    def server(self) -> str:
        """The invite's server address."""
        return self._invite.server if self._invite else ""

    @property
    def code(self) -> str:
        """The invite's join code."""
        return self._invite.code if self._invite else ""

    @property
    def display_name(self) -> str:
        """The name last used as a guest (remembered across launches)."""
        return self._name

    @property
    def is_guest(self) -> bool:
        """True from the guest session's start until its meeting is left."""
        return self._guest

    def prepare(self, invite: Invite) -> None:
        """Show this invite; the meeting's invite link is kept for "Copy invite"."""
        self._invite = invite
        self.clear_messages()
        self._meeting.offer_invite(invite.code, invite_page_url(*_link_parts(invite)))
        self.inviteChanged.emit()

    def log_in(self) -> None:
        """The user has an account on this server: log in, then join."""
        self.loginWanted.emit()

    @asyncSlot(str)
    async def join_as_guest(self, name: str) -> None:
        """Start a guest session with this display name, then join the meeting."""
        self.clear_messages()
        invite = self._invite
        name = " ".join(name.split())
        if invite is None:
            return
        if not name or len(name) > MAX_NAME:
            self._set_field_errors({NAME_FIELD: NO_NAME if not name else LONG_NAME})
            return
        self._set_busy(True)
        try:
            session = await self._account.api.guest_session(invite.code, name)
        except ApiError as exc:
            self._set_error(_refusal(exc))
            return
        finally:
            self._set_busy(False)
        self._remember(name)
        # The guest token lives only in memory: it is good for this one meeting.
        self._account.api.token = session.token
        self._guest = True
        self.guestReady.emit(session.join_code or invite.code)

    def guest_left(self, message: str) -> None:
        """The guest's meeting is over for them: drop the guest session, say why."""
        self._guest = False
        if self._account.base_url is not None:
            self._account.api.token = None
        self.clear_messages()
        self._set_status(message)

    def _remember(self, name: str) -> None:
        if name == self._name:
            return
        self._name = name
        self.nameChanged.emit(name)
        try:
            self._names.save(name)
        except OSError as exc:
            log.warning("cannot remember the guest name in %s: %s", self._names.path, exc)


def _link_parts(invite: Invite) -> tuple[str, str, str | None]:
    return invite.server, invite.code, invite.pin


def _refusal(error: ApiError) -> str:
    if error.code == "meeting_not_found" or error.status == 404:
        return NOT_FOUND
    if error.status == GONE:
        return ENDED
    return describe(error)
