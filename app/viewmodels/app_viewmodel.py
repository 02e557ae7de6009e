"""The whole app's state: which page shows, which server we use, who is logged in."""

from __future__ import annotations

import asyncio
from enum import StrEnum
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.api.tls_errors import origin_of
from app.core.bundled_server import BundledServer, BundledServerError
from app.core.client_settings import ClientSettings, ServerMode, SettingsFile
from app.core.guest_name import GuestNameFile
from app.core.invite_link import Invite, parse_invite
from app.core.last_login import LastLoginFile
from app.core.media_prefs import MediaPrefsFile
from app.core.server_link import ServerLink
from app.core.tls_trust import TlsTrust
from app.core.token_store import NO_KEYRING_NOTICE
from app.viewmodels.contacts_viewmodel import ContactsViewModel
from app.viewmodels.home_viewmodel import HomeViewModel
from app.viewmodels.hosting_text import hosting_text
from app.viewmodels.invite_viewmodel import InviteViewModel
from app.viewmodels.login_viewmodel import LoginViewModel
from app.viewmodels.media_devices import Devices, PlayerFactory
from app.viewmodels.meeting_viewmodel import MeetingState, MeetingViewModel
from app.viewmodels.messages import describe
from app.viewmodels.password_viewmodel import CHANGED_MESSAGE, PasswordViewModel
from app.viewmodels.policy_viewmodel import PolicyViewModel
from app.viewmodels.prejoin_viewmodel import PrejoinViewModel
from app.viewmodels.privacy_viewmodel import PrivacyViewModel
from app.viewmodels.profile_data import profile_to_dict
from app.viewmodels.profile_viewmodel import ProfileViewModel
from app.viewmodels.receive_only_devices import ReceiveOnlyDevices
from app.viewmodels.register_viewmodel import RegisterViewModel
from app.viewmodels.setup_viewmodel import SetupViewModel
from app.viewmodels.trust_viewmodel import TrustViewModel

THIS_COMPUTER = "This computer"
MEMBER_NAME_NOTE = "Set on your Member information page."
GUEST_NAME_NOTE = "The name you gave for this meeting."
POLICY_DECLINED = (
    "You have logged out. To use Podium on this server you need to accept its privacy policy."
)


def _server_key(base_url: str) -> str:
    """A base URL with its port written out, to tell whether two name one server."""
    return origin_of(base_url) + urlsplit(base_url).path.rstrip("/")


class Page(StrEnum):
    """The pages of the main window."""

    SETUP = "setup"
    CONNECTING = "connecting"
    LOGIN = "login"
    REGISTER = "register"
    HOME = "home"
    MEETING = "meeting"
    PROFILE = "profile"
    PASSWORD = "password"
    PRIVACY = "privacy"
    CONTACTS = "contacts"
    POLICY = "policy"
    INVITE = "invite"
    PREJOIN = "prejoin"


class AppViewModel(QObject):
    """Wires the page view-models together and owns the connection to the server."""

    pageChanged = Signal(str)
    noticeChanged = Signal(str)
    serverChanged = Signal(str)
    connectingChanged = Signal(str, str)
    inviteRefused = Signal(str)
    hostingChanged = Signal(str)

    def __init__(
        self,
        settings_file: SettingsFile,
        link: ServerLink,
        account: AccountSession,
        trust: TlsTrust,
        *,
        guest_names: GuestNameFile,
        invite: Invite | None = None,
        server_override: ClientSettings | None = None,
        devices: Devices | None = None,
        player_factory: PlayerFactory | None = None,
        media_prefs: MediaPrefsFile | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._settings_file = settings_file
        self._link = link
        self._account = account
        self._override = server_override
        self._settings: ClientSettings | None = None
        self._connected = False
        self._page = Page.SETUP
        self._back_page = Page.LOGIN
        self._notice = ""
        self._server_text = ""
        self._connecting = ("", "")
        self._watcher: asyncio.Task[None] | None = None
        self._welcome = ""
        # An invite to open at start; the one being connected to; a code to join once logged in.
        self._start_invite = invite
        self._invite_target: Invite | None = None
        self._join_after_login = ""
        self._hosting = ""

        self.setup = SetupViewModel(self)
        self._trust = trust
        self.trust = TrustViewModel(trust, self)
        last_login = LastLoginFile(settings_file.path.parent)  # a login is not a secret
        self.login = LoginViewModel(
            account, self, remembered=last_login, this_computer=lambda: self._link.bundled
        )
        self.register = RegisterViewModel(account, self, remembered=last_login)
        self.profile = ProfileViewModel(account, self)
        self.password = PasswordViewModel(account, self)
        self.meeting = MeetingViewModel(
            account,
            devices or ReceiveOnlyDevices("no media devices were given"),
            player_factory,
            self,
        )
        self.home = HomeViewModel(account, self.meeting, self)
        # The device check before a meeting; its choices live beside the server choice.
        self.prejoin = PrejoinViewModel(
            devices or ReceiveOnlyDevices("no media devices were given"),
            player_factory,
            media_prefs or MediaPrefsFile(settings_file.path.parent),
            self.meeting,
            self,
        )
        self._prejoin_from = Page.HOME
        self.policy = PolicyViewModel(account, self)
        self.privacy = PrivacyViewModel(account, self.policy, self)
        self.contacts = ContactsViewModel(account, self)
        self.invite = InviteViewModel(account, self.meeting, guest_names, self)

        self.setup.chosen.connect(self._apply_choice)
        self.setup.cancelled.connect(lambda: self._go(self._back_page))
        self.trust.trusted.connect(self.retry)
        self.trust.declined.connect(self.change_server)
        self.login.loggedIn.connect(self._on_logged_in)
        self.invite.loginWanted.connect(self._log_in_for_invite)
        self.register.registered.connect(self._on_registered)
        self.register.loggedIn.connect(self._on_logged_in)  # registering logs in at once
        self.password.changed.connect(self._on_password_changed)
        for form in (
            self.profile,
            self.password,
            self.home,
            self.policy,
            self.contacts,
            self.contacts.form,
            self.contacts.importer,
            *self.privacy.forms,
        ):
            form.sessionExpired.connect(self._on_session_expired)
        self.login.deletionCancelled.connect(self._set_welcome)
        self.privacy.deletion.deleted.connect(self._on_account_deleted)
        self.policy.accepted.connect(self.show_home)
        self.policy.declined.connect(self._on_policy_declined)
        self.profile.profileChanged.connect(
            lambda _p: self.home.set_name(self.profile.display_name)
        )
        self.meeting.stateChanged.connect(self._on_meeting_state)
        self.meeting.ended.connect(self._on_meeting_ended)
        self.prejoin.cancelled.connect(self._on_prejoin_cancelled)
        self.invite.guestReady.connect(lambda code: self.join_meeting(code))

    @property
    def page(self) -> str:
        """The page on show."""
        return self._page.value

    @property
    def notice(self) -> str:
        """A window-wide notice (e.g. no keyring), "" when none."""
        return self._notice

    @property
    def hosting(self) -> str:
        """Where others reach this computer's shared server, "" when it is not shared."""
        return self._hosting

    @property
    def server_text(self) -> str:
        """The server in words: "This computer" or its address."""
        return self._server_text

    @property
    def connecting_state(self) -> tuple[str, str]:
        """(what we are doing, error or "") for the connecting page."""
        return self._connecting

    @property
    def bundled_server(self) -> BundledServer | None:
        """The bundled server child while one runs (tests look at its pid)."""
        return self._link.bundled

    @asyncSlot()
    async def start(self) -> None:
        """Connect to the remembered server, or ask where it is on first start."""
        self._update_notice()
        invite, self._start_invite = self._start_invite, None
        if invite is not None:
            await self._open_invite(invite)
            return
        settings = self._override or self._settings_file.load()
        if settings is None:
            self.setup.prepare(None)
            self._go(Page.SETUP)
            return
        await self._connect(settings)

    @asyncSlot(str)
    async def open_invite_link(self, link: str) -> None:
        """An invite link handed over by a second launch ("" only brings the window up)."""
        if not link:
            return
        try:
            invite = parse_invite(link)
        except ValueError as exc:
            self.inviteRefused.emit(f"Podium cannot open this invite link. {exc}")
            return
        if self.meeting.state != MeetingState.IDLE:
            self.inviteRefused.emit("Leave the meeting you are in first, then open the link again.")
            return
        await self._open_invite(invite)

    async def _open_invite(self, invite: Invite) -> None:
        """Point the app at the invite's server (pinning its pin), then offer to join."""
        self.invite.prepare(invite)
        doing = f"Connecting to {invite.server}…"
        self._set_connecting(doing, "")
        self._go(Page.CONNECTING)
        try:
            await self.trust.accept_invite_pin(invite.server, invite.pin)
        except ApiError as exc:
            status = self.trust.handle(invite.server, exc, from_invite=True)
            self._set_connecting(doing, status or describe(exc))
            return
        self._invite_target = invite
        if self._connected and self._is_current_server(invite.server):
            self._invite_target = None
            profile = self.profile.profile if self._account.logged_in else None
            self._enter_invite(invite, profile or None)
            return
        # Not saved as the server choice: the next launch goes back to the user's own.
        await self._connect(ClientSettings(ServerMode.REMOTE, invite.server))

    def _is_current_server(self, server: str) -> bool:
        """True for the server we are connected to, also by the address others use for ours."""
        hosting = self._link.hosting
        ours = [self._account.base_url or "", *(hosting.urls if hosting else ())]
        return _server_key(server) in {_server_key(url) for url in ours if url}

    def _enter_invite(self, invite: Invite, profile: dict[str, Any] | None) -> None:
        """Logged in on that server already: join as yourself; else offer guest or log-in."""
        if profile is not None:
            self._join_after_login = invite.code
            self._enter_profile(profile)
        else:
            self._go(Page.INVITE)

    def _log_in_for_invite(self) -> None:
        self._join_after_login = self.invite.code
        self.login.prefill(self.login.login_text, "Log in to join the meeting.")
        self._go(Page.LOGIN)

    @asyncSlot()
    async def retry(self) -> None:
        """Try the current server again after a failure."""
        if self._settings is not None:
            await self._connect(self._settings)

    @asyncSlot()
    async def forget_certificate(self) -> None:
        """Forget the refused server's pin and connect again (its new one is then asked about)."""
        if self.trust.forget_refused():
            await self.retry()

    def change_server(self) -> None:
        """Open the server choice with the current one selected."""
        self._back_page = self._page
        self.setup.prepare(self._settings)
        self._go(Page.SETUP)

    def show_login(self) -> None:
        """Go to the log-in page."""
        self._go(Page.LOGIN)

    def show_register(self) -> None:
        """Go to the registration page, loading its fields when needed."""
        self.register.clear_messages()
        if not self.register.fields:
            self.register.load_fields()
        self._go(Page.REGISTER)

    def show_profile(self) -> None:
        """Go to the member information page."""
        self.profile.clear_messages()
        self._go(Page.PROFILE)

    def show_home(self) -> None:
        """Go to the home page (start or join a meeting), refreshing your meetings."""
        self.home.clear_messages()
        welcome, self._welcome = self._welcome, ""
        if welcome:
            self.home.show_status(welcome)
        self.home.load()
        self._go(Page.HOME)
        code, self._join_after_login = self._join_after_login, ""
        if code:
            self.join_meeting(code)

    def start_meeting(self, subject: str) -> None:
        """Start: check the devices first (the meeting is created when Start is pressed there)."""
        if self.meeting.state == MeetingState.IDLE:
            self._show_prejoin(subject=subject)

    def join_meeting(self, code: str) -> None:
        """Join by code: check the devices first; an empty code is refused at once."""
        if self.meeting.state != MeetingState.IDLE:
            return
        if not code.strip():
            self.meeting.join(code)  # says the code is needed
            return
        self._show_prejoin(code=code.strip())

    def _show_prejoin(self, *, subject: str | None = None, code: str = "") -> None:
        guest = self.invite.is_guest
        name = self.invite.display_name if guest else self.profile.display_name
        note = GUEST_NAME_NOTE if guest else MEMBER_NAME_NOTE
        self.prejoin.prepare(subject=subject, code=code, name=name, note=note if name else "")
        if self._page != Page.PREJOIN:
            self._prejoin_from = self._page if self._page == Page.INVITE else Page.HOME
        self._go(Page.PREJOIN)

    def _on_prejoin_cancelled(self) -> None:
        if self.invite.is_guest:
            self.invite.guest_left("")  # the guest session was for this meeting only
        self._go(self._prejoin_from)

    def show_privacy(self) -> None:
        """Go to the privacy panel, reading every section afresh."""
        self.privacy.load()
        self._go(Page.PRIVACY)

    def show_contacts(self) -> None:
        """Go to the address book, reading it afresh."""
        self.contacts.clear_messages()
        self.contacts.load()
        self._go(Page.CONTACTS)

    def show_password(self) -> None:
        """Open the change-password form, empty."""
        self.password.reset()
        self._go(Page.PASSWORD)

    @asyncSlot()
    async def logout(self) -> None:
        """End the session; the token is forgotten even if the server cannot be told."""
        await self._end_session("You have logged out.")

    @asyncSlot()
    async def _on_policy_declined(self) -> None:
        await self._end_session(POLICY_DECLINED)

    async def _end_session(self, message: str) -> None:
        await self.meeting.shutdown()
        try:
            await self._account.logout()
        except ApiError as exc:
            message = f"Logged out here, but the server could not be told: {describe(exc)}"
        self._forget_member()
        self.login.prefill(self.login.login_text, message)
        self._go(Page.LOGIN)

    async def shutdown(self) -> None:
        """Leave any meeting, close the API client and stop the bundled server (awaiting it)."""
        self.prejoin.close()
        await self.meeting.shutdown()
        self._stop_watching()
        self._connected = False
        await self._account.close()
        await self._link.close()

    async def _connect(self, settings: ClientSettings) -> None:
        self._stop_watching()
        self._connected = False
        self._settings = settings
        bundled = settings.mode is ServerMode.BUNDLED
        self._server_text = THIS_COMPUTER if bundled else settings.server_url or ""
        self.serverChanged.emit(self._server_text)
        doing = (
            "Starting the Podium server on this computer…"
            if bundled
            else f"Connecting to {settings.server_url}…"
        )
        self._set_connecting(doing, "")
        self._go(Page.CONNECTING)
        try:
            base_url = await self._link.open(settings)
            if self._link.pin is not None:
                # Our own bundled server's certificate, read from its data folder: no question.
                self._trust.trust(base_url, self._link.pin)
            await self._account.connect(base_url, self._link.identity(settings))
            await self._account.api.health()
            profile = await self._account.restore()
        except BundledServerError as exc:
            self._set_connecting(doing, str(exc))
            return
        except ApiError as exc:
            status = self.trust.handle(self._account.base_url or "", exc)
            self._set_connecting(doing, status or describe(exc))
            return
        self._connected = True
        self._hosting = hosting_text(self._link.hosting, self._link.pin)
        self.hostingChanged.emit(self._hosting)
        shared_at = self._link.hosting.public_url if self._link.hosting else None
        if bundled and shared_at:
            self._server_text = f"{THIS_COMPUTER}, shared at {shared_at}"
            self.serverChanged.emit(self._server_text)
        self._watch_bundled()
        self.register.reset()
        self.profile.clear()
        self._update_notice()
        invite, self._invite_target = self._invite_target, None
        if invite is not None:
            self._enter_invite(invite, profile_to_dict(profile) if profile else None)
            return
        if profile is not None:
            self._enter_profile(profile_to_dict(profile))
        else:
            self.login.prefill("")
            self._go(Page.LOGIN)

    @asyncSlot(object)
    async def _apply_choice(self, settings: ClientSettings) -> None:
        self._invite_target = None
        self._join_after_login = ""
        try:
            self._settings_file.save(settings)
        except OSError as exc:
            self.setup.fail(f"Could not save the choice in {self._settings_file.path}: {exc}")
            return
        if self._connected and settings == self._settings:
            self._go(self._back_page)
            return
        await self._connect(settings)

    def _on_logged_in(self, profile: dict[str, Any]) -> None:
        self._update_notice()
        self._enter_profile(profile)

    def _on_registered(self, login: str) -> None:
        self.login.prefill(login, "Your account is ready. Log in to continue.")
        self._go(Page.LOGIN)

    def _on_meeting_state(self, state: str) -> None:
        if state == MeetingState.IN_MEETING:
            self._go(Page.MEETING)
        elif state == MeetingState.IDLE and self._page == Page.PREJOIN:
            # Joining failed: back to where the code or the guest name was given, which
            # shows why (the error follows this state change).
            if self.invite.is_guest:
                self.invite.guest_left("")
            self._go(self._prejoin_from)

    def _on_meeting_ended(self, message: str) -> None:
        # "" is a quiet ending (logging out, quitting): whoever ended it decides what follows.
        if self.invite.is_guest:
            self.invite.guest_left(message)
            if message:
                self._go(Page.INVITE)
            return
        if self._page != Page.MEETING or not message:
            return
        self.home.load()
        self.home.show_status(message)
        self._go(Page.HOME)

    def _on_password_changed(self) -> None:
        self.profile.show_status(CHANGED_MESSAGE)
        self._go(Page.PROFILE)

    @asyncSlot()
    async def _on_session_expired(self) -> None:
        await self.meeting.shutdown()
        await self._account.forget()
        self._forget_member()
        self.login.prefill(self.login.login_text, "Your session has ended. Please log in again.")
        self._go(Page.LOGIN)

    @asyncSlot(str)
    async def _on_account_deleted(self, message: str) -> None:
        # The server ended every session already; only the local token is left to drop.
        username = self.profile.profile.get("values", {}).get("username", "")
        await self.meeting.shutdown()
        await self._account.forget()
        self._forget_member()
        self.login.prefill(username or self.login.login_text, message)
        self._go(Page.LOGIN)

    def _set_welcome(self, message: str) -> None:
        self._welcome = message

    def _forget_member(self) -> None:
        self.profile.clear()
        self.home.clear()
        self.policy.clear()
        self.privacy.clear()
        self.contacts.clear()

    def _enter_profile(self, profile: dict[str, Any]) -> None:
        """Logged in: remember the profile, then ask about the policy or open the home page."""
        self.profile.clear_messages()
        self.profile.show(profile)
        # Refresh fields and values: the member information page needs the server's labels.
        self.profile.load()
        self._check_policy()

    @asyncSlot()
    async def _check_policy(self) -> None:
        """A policy in force that the member has not accepted is asked about before anything."""
        await self.policy.refresh()
        if not self._account.logged_in:
            return  # the session ended meanwhile; the log-in page is on show
        if self.policy.must_accept:
            self._go(Page.POLICY)
        else:
            self.show_home()

    def _watch_bundled(self) -> None:
        bundled = self._link.bundled
        if bundled is not None and bundled.running:
            self._watcher = asyncio.ensure_future(self._await_bundled_exit(bundled))

    async def _await_bundled_exit(self, bundled: BundledServer) -> None:
        code = await bundled.wait()
        # Reached only when the child dies on its own: planned stops cancel this watcher first.
        self._connected = False
        tail = f"\n{bundled.stderr_tail}" if bundled.stderr_tail else ""
        self._set_connecting(
            "The Podium server on this computer has stopped.",
            f"The server stopped unexpectedly (exit code {code}).{tail}",
        )
        self._go(Page.CONNECTING)

    def _stop_watching(self) -> None:
        watcher, self._watcher = self._watcher, None
        if watcher is not None:
            watcher.cancel()

    def _set_connecting(self, doing: str, error: str) -> None:
        self._connecting = (doing, error)
        self.connectingChanged.emit(doing, error)

    def _update_notice(self) -> None:
        notice = "" if self._account.tokens_persistent else NO_KEYRING_NOTICE
        if notice != self._notice:
            self._notice = notice
            self.noticeChanged.emit(notice)

    def _go(self, page: Page) -> None:
        if page != self._page:
            if self._page == Page.PREJOIN:
                self.prejoin.close()  # devices are open only while the page shows
            self._page = page
            if page == Page.PREJOIN:
                self.prejoin.open()
            self.pageChanged.emit(page.value)
