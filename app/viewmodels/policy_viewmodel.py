"""The privacy policy: the notice before a new version takes effect, and acceptance at login."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.privacy_data import PolicyState, PolicyVersion
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.time_text import date_text

NOTICE_SUMMARY_CHARS = 160


def version_dict(version: PolicyVersion | None) -> dict[str, str]:
    """{"version", "effective", "summary"} or {} for none."""
    if version is None:
        return {}
    return {
        "version": version.version,
        "effective": date_text(version.effective_at),
        "summary": version.summary,
    }


def _short(summary: str) -> str:
    line = summary.strip().splitlines()[0] if summary.strip() else ""
    if len(line) > NOTICE_SUMMARY_CHARS:
        line = line[: NOTICE_SUMMARY_CHARS - 1].rstrip() + "…"
    return line


class PolicyViewModel(FormViewModel):
    """Refreshed at login; `must_accept` sends the app to the acknowledgement page."""

    stateChanged = Signal(dict)
    noticeChanged = Signal(str)
    accepted = Signal()
    declined = Signal()

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._state: PolicyState | None = None
        self._dismissed: str | None = None

    @property
    def must_accept(self) -> bool:
        """A version is in force that the member has not accepted."""
        return bool(self._state and self._state.must_accept and self._state.current)

    @property
    def state(self) -> dict[str, Any]:
        """{"current", "upcoming" (version dicts), "accepted_version", "must_accept"}."""
        state = self._state
        if state is None:
            return {"current": {}, "upcoming": {}, "accepted_version": "", "must_accept": False}
        return {
            "current": version_dict(state.current),
            "upcoming": version_dict(state.upcoming),
            "accepted_version": state.accepted_version or "",
            "must_accept": self.must_accept,
        }

    @property
    def notice(self) -> str:
        """The in-app notice of an upcoming version, "" when none (or dismissed)."""
        state = self._state
        if state is None or state.upcoming is None:
            return ""
        upcoming = state.upcoming
        if upcoming.version in (self._dismissed, state.accepted_version):
            return ""
        text = (
            f"A new privacy policy (version {upcoming.version}) takes effect on "
            f"{date_text(upcoming.effective_at)}."
        )
        short = _short(upcoming.summary)
        return f"{text} {short}" if short else text

    def dismiss_notice(self) -> None:
        """Hide the notice of this upcoming version until the member logs in again."""
        if self._state and self._state.upcoming:
            self._dismissed = self._state.upcoming.version
        self.noticeChanged.emit(self.notice)

    def clear(self) -> None:
        """Forget the state and any dismissal (on log-out)."""
        self._state = None
        self._dismissed = None
        self.clear_messages()
        self._publish()

    async def refresh(self) -> bool:
        """Read the member's policy state; False when it could not be read."""
        try:
            state = await self._account.api.my_policy()
        except ApiError as exc:
            self._report(exc)
            return False
        self._state = state
        self._publish()
        return True

    @asyncSlot()
    async def load(self) -> None:
        """refresh(), as a slot."""
        await self.refresh()

    @asyncSlot(str)
    async def accept(self, version: str = "") -> None:
        """Record acceptance of a version (default: the one in force)."""
        self.clear_messages()
        state = self._state
        version = version or (state.current.version if state and state.current else "")
        if not version:
            return
        was_required = self.must_accept
        self._set_busy(True)
        try:
            self._state = await self._account.api.accept_policy(version)
        except ApiError as exc:
            self._report(exc)
            return
        finally:
            self._set_busy(False)
        self._publish()
        self._set_status(f"You accepted the privacy policy, version {version}.")
        if was_required:
            self.accepted.emit()

    def decline(self) -> None:
        """Not accepting the policy in force: the app logs out."""
        self.declined.emit()

    def _publish(self) -> None:
        self.stateChanged.emit(self.state)
        self.noticeChanged.emit(self.notice)
