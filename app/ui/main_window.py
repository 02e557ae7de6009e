"""The Podium window: a header, a window-wide notice strip and one page at a time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QDialog,
    QFrame,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from app.ui.connecting_page import ConnectingPage
from app.ui.contacts_page import ContactsPage
from app.ui.home_page import HomePage
from app.ui.invite_page import InvitePage
from app.ui.login_page import LoginPage
from app.ui.meeting_page import MeetingPage
from app.ui.password_page import PasswordPage
from app.ui.policy_notice import PolicyNotice
from app.ui.policy_page import PolicyPage
from app.ui.prejoin_page import PrejoinPage
from app.ui.privacy_page import PrivacyPage
from app.ui.profile_page import ProfilePage
from app.ui.register_page import RegisterPage
from app.ui.setup_page import SetupPage
from app.ui.trust_dialogs import CertificateChangedDialog, TrustCertificateDialog
from app.ui.widgets import Banner, plain_label
from app.viewmodels.app_viewmodel import AppViewModel, Page
from app.viewmodels.appearance_viewmodel import AppearanceViewModel

WINDOW_TITLE = "Podium"
MINIMUM_SIZE = (640, 480)
# Pages of a logged-in member on which the notice of an upcoming policy shows.
_POLICY_NOTICE_PAGES = frozenset(
    {Page.HOME, Page.PROFILE, Page.PASSWORD, Page.PRIVACY, Page.CONTACTS}
)


class MainWindow(QMainWindow):
    """Shows the page the view-model asks for; closing asks the app to quit."""

    closeRequested = Signal()

    def __init__(
        self,
        vm: AppViewModel,
        parent: QWidget | None = None,
        *,
        appearance: AppearanceViewModel | None = None,
    ) -> None:
        super().__init__(parent)
        self.vm = vm
        self.appearance = appearance or AppearanceViewModel(None, self)
        self.setWindowTitle(WINDOW_TITLE)
        self.setMinimumSize(*MINIMUM_SIZE)

        self.header = header = QFrame()
        header.setObjectName("header")
        header_row = QHBoxLayout(header)
        header_row.setContentsMargins(24, 12, 24, 12)
        header_row.addWidget(plain_label("Podium", role="brand", wrap=False))
        header_row.addStretch(1)
        self.high_contrast = QCheckBox("High contrast")
        self.high_contrast.setObjectName("highContrastBox")
        self.high_contrast.setAccessibleName("High contrast")
        self.high_contrast.setToolTip("Black on white, stronger borders and focus rings")
        self.high_contrast.setChecked(self.appearance.high_contrast)
        header_row.addWidget(self.high_contrast)

        self.notice = Banner("warning")
        self.notice.setObjectName("notice")
        self.policy_notice = PolicyNotice(vm.policy)

        self.pages: dict[Page, QWidget] = {
            Page.SETUP: SetupPage(vm.setup),
            Page.CONNECTING: ConnectingPage(vm),
            Page.LOGIN: LoginPage(vm, vm.login),
            Page.REGISTER: RegisterPage(vm, vm.register),
            Page.HOME: HomePage(vm, vm.home),
            Page.MEETING: MeetingPage(vm.meeting),
            Page.PROFILE: ProfilePage(vm, vm.profile),
            Page.PASSWORD: PasswordPage(vm, vm.password),
            Page.PRIVACY: PrivacyPage(vm, vm.privacy),
            Page.CONTACTS: ContactsPage(vm, vm.contacts),
            Page.POLICY: PolicyPage(vm.policy),
            Page.INVITE: InvitePage(vm),
            Page.PREJOIN: PrejoinPage(vm.prejoin, vm.meeting),
        }
        self.stack = QStackedWidget()
        for page in self.pages.values():
            self.stack.addWidget(page)

        central = QWidget()
        central.setObjectName("central")
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(header)
        column.addWidget(self.notice)
        column.addWidget(self.policy_notice)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)

        # The open certificate dialog, if any (tests find it here).
        self.trust_dialog: TrustCertificateDialog | CertificateChangedDialog | None = None
        vm.trust.confirmationNeeded.connect(self._ask_trust)
        vm.trust.refused.connect(self._warn_changed)
        vm.inviteRefused.connect(self._refuse_link)

        vm.pageChanged.connect(self._show_page)
        vm.noticeChanged.connect(self.notice.show_message)
        vm.policy.noticeChanged.connect(lambda _text: self._show_policy_notice())
        self.policy_notice.details.clicked.connect(vm.show_privacy)
        self._show_page(vm.page)
        self.notice.show_message(vm.notice)
        self.high_contrast.toggled.connect(self.appearance.set_high_contrast)
        # The header (and its box) is hidden in a meeting: the meeting's More menu has it too.
        meeting = self.pages[Page.MEETING]
        assert isinstance(meeting, MeetingPage)
        self.meeting_contrast = QAction("High contrast", self)
        self.meeting_contrast.setCheckable(True)
        self.meeting_contrast.setChecked(self.appearance.high_contrast)
        self.meeting_contrast.toggled.connect(self.high_contrast.setChecked)
        self.high_contrast.toggled.connect(self.meeting_contrast.setChecked)
        meeting.toolbar.more_menu.addAction(self.meeting_contrast)
        self.appearance.stylesheetChanged.connect(self._apply_stylesheet)
        if self.appearance.high_contrast:
            self._apply_stylesheet(self.appearance.stylesheet)

    def _apply_stylesheet(self, text: str) -> None:
        # The whole app (dialogs too) changes look at once.
        qapp = QApplication.instance()
        if isinstance(qapp, QApplication):
            qapp.setStyleSheet(text)

    def page(self, page: Page) -> QWidget:
        """The widget of one page."""
        return self.pages[page]

    def current_page(self) -> str:
        """The name of the page on show."""
        for name, widget in self.pages.items():
            if widget is self.stack.currentWidget():
                return name.value
        return ""

    def _show_page(self, name: str) -> None:
        page = Page(name)
        self.stack.setCurrentWidget(self.pages[page])
        # The meeting uses the whole window; its own top bar names the meeting.
        self.header.setVisible(page != Page.MEETING)
        self.notice.setVisible(bool(self.notice.text()) and page != Page.MEETING)
        self._show_policy_notice()

    def _show_policy_notice(self) -> None:
        page = Page(self.vm.page)
        self.policy_notice.setVisible(
            self.policy_notice.has_notice() and page in _POLICY_NOTICE_PAGES
        )

    def open_link(self, link: str) -> None:
        """A later launch handed over: come to the front, then open its invite link."""
        if self.isMinimized():
            self.showNormal()
        self.show()
        self.raise_()
        self.activateWindow()
        self.vm.open_invite_link(link)

    def _refuse_link(self, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, "Invite link", message, parent=self)
        box.setObjectName("inviteRefusedBox")
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.finished.connect(lambda _result: box.deleteLater())
        box.open()

    def _ask_trust(self, server: str, fingerprint: str) -> None:
        dialog = TrustCertificateDialog(server, fingerprint, self)
        dialog.accepted.connect(self.vm.trust.confirm)
        dialog.rejected.connect(self.vm.trust.decline)
        self._open_dialog(dialog)

    def _warn_changed(self, server: str, pinned: str, presented: str, from_invite: bool) -> None:
        pins_file = self.vm.trust.pins_file
        self._open_dialog(
            CertificateChangedDialog(server, pinned, presented, pins_file, from_invite, self)
        )

    def _open_dialog(self, dialog: TrustCertificateDialog | CertificateChangedDialog) -> None:
        if self.trust_dialog is not None:
            self.trust_dialog.close()
        self.trust_dialog = dialog
        dialog.finished.connect(lambda _result: self._dialog_closed(dialog))
        dialog.open()

    def _dialog_closed(self, dialog: QDialog) -> None:
        if self.trust_dialog is dialog:
            self.trust_dialog = None
        dialog.deleteLater()

    def closeEvent(self, event: QCloseEvent) -> None:
        # Quitting waits for the bundled server to stop, which the app's loop does after this.
        self.closeRequested.emit()
        super().closeEvent(event)
