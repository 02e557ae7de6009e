"""The window against a self-signed TLS server: the trust question, and a changed certificate."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from app.core.client_settings import ClientSettings, ServerMode
from app.core.paths import AppPaths
from app.core.tls_trust import PinStore, grouped_fingerprint
from app.ui.connecting_page import ConnectingPage
from app.ui.main_window import MainWindow
from app.ui.trust_dialogs import CertificateChangedDialog, TrustCertificateDialog
from app.viewmodels.app_viewmodel import Page
from tests.app.core.tls_servers import TlsServer, self_signed_server
from tests.app.ui.conftest import OpenWindow, wait_for, wait_page
from tests.app.ui.helpers import click

OTHER_PIN = "sha256:" + "ab" * 32


@pytest.fixture
def server(tmp_path: Path) -> Iterator[TlsServer]:
    with self_signed_server(tmp_path / "tls-server") as running:
        yield running


def open_at(open_window: OpenWindow, server: TlsServer) -> MainWindow:
    return open_window(choice=ClientSettings(ServerMode.REMOTE, server.url))


def trust_dialog(qtbot: QtBot, window: MainWindow) -> TrustCertificateDialog:
    wait_for(qtbot, lambda: isinstance(window.trust_dialog, TrustCertificateDialog))
    dialog = window.trust_dialog
    assert isinstance(dialog, TrustCertificateDialog)
    wait_for(qtbot, dialog.isVisible)
    return dialog


def test_confirming_the_fingerprint_pins_it_and_connects(
    qtbot: QtBot, open_window: OpenWindow, server: TlsServer, app_paths: AppPaths
) -> None:
    window = open_at(open_window, server)
    dialog = trust_dialog(qtbot, window)
    assert dialog.fingerprint.text() == grouped_fingerprint(server.pin)
    assert server.url in [label.text() for label in dialog.findChildren(type(dialog.fingerprint))]
    assert window.vm.page == Page.CONNECTING
    click(qtbot, dialog.yes)
    wait_page(qtbot, window, Page.LOGIN)
    assert PinStore(app_paths.config_dir).get(f"https://127.0.0.1:{server.port}") == server.pin


def test_declining_pins_nothing_and_returns_to_the_server_choice(
    qtbot: QtBot, open_window: OpenWindow, server: TlsServer, app_paths: AppPaths
) -> None:
    window = open_at(open_window, server)
    click(qtbot, trust_dialog(qtbot, window).no)
    wait_page(qtbot, window, Page.SETUP)
    assert PinStore(app_paths.config_dir).load() == {}


def test_a_changed_certificate_is_refused_until_the_old_pin_is_forgotten(
    qtbot: QtBot, open_window: OpenWindow, server: TlsServer, app_paths: AppPaths
) -> None:
    PinStore(app_paths.config_dir).put(f"https://127.0.0.1:{server.port}", OTHER_PIN)
    window = open_at(open_window, server)
    wait_for(qtbot, lambda: isinstance(window.trust_dialog, CertificateChangedDialog))
    warning = window.trust_dialog
    assert isinstance(warning, CertificateChangedDialog)
    assert warning.pinned.text() == grouped_fingerprint(OTHER_PIN)
    assert warning.presented.text() == grouped_fingerprint(server.pin)
    # The only way out is closing it: no button connects anyway.
    assert [b.text() for b in warning.findChildren(type(warning.close_button))] == ["Close"]
    click(qtbot, warning.close_button)
    wait_for(qtbot, lambda: window.trust_dialog is None)
    connecting = window.page(Page.CONNECTING)
    assert isinstance(connecting, ConnectingPage)
    assert window.vm.page == Page.CONNECTING
    assert "refused" in connecting.error.text()
    assert PinStore(app_paths.config_dir).load() == {f"https://127.0.0.1:{server.port}": OTHER_PIN}
    click(qtbot, connecting.forget)
    dialog = trust_dialog(qtbot, window)
    assert dialog.fingerprint.text() == grouped_fingerprint(server.pin)
    click(qtbot, dialog.yes)
    wait_page(qtbot, window, Page.LOGIN)
    assert PinStore(app_paths.config_dir).get(f"https://127.0.0.1:{server.port}") == server.pin
