"""The composition root: builds every object once, runs the Qt+asyncio loop, shuts down in order."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Mapping

from keyring.backend import KeyringBackend
from PySide6.QtCore import QDir
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from app.cli import Options
from app.core.account_session import AccountSession
from app.core.api import ApiClient
from app.core.appearance_prefs import AppearancePrefsFile
from app.core.client_settings import ClientSettings, ServerMode, SettingsFile
from app.core.guest_name import GuestNameFile
from app.core.invite_link import Invite
from app.core.notice_prefs import NoticePrefsFile
from app.core.paths import AppPaths, resolve_paths
from app.core.resources import read_resource, resource_path, resources_dir
from app.core.server_link import ServerLink
from app.core.tls_trust import PinStore, TlsTrust
from app.core.token_store import TokenStore
from app.main_thread_gc import MainThreadCollector
from app.qt_loop import DrainingEventLoop
from app.single_instance import SingleInstance, hand_over, instance_name
from app.ui.main_window import MainWindow
from app.viewmodels.app_viewmodel import AppViewModel
from app.viewmodels.appearance_viewmodel import AppearanceViewModel
from app.viewmodels.media_devices import Devices, PlayerFactory
from app.viewmodels.receive_only_devices import ReceiveOnlyDevices
from app.viewmodels.synthetic_devices import SyntheticDevices

APP_NAME = "Podium"
STYLESHEET = "style.qss"
ICON = "icons/podium.svg"
ICON_SEARCH_PREFIX = "icons"

log = logging.getLogger(__name__)


def default_media(synthetic: bool = False) -> tuple[Devices, PlayerFactory | None]:
    """This machine's cameras, microphones, screens and speakers; receive-only without them.

    Test sources only when asked for (`synthetic`): never sent to others in the user's place.
    """
    if synthetic:
        log.warning("synthetic devices: meetings send a test pattern and a tone")
        return SyntheticDevices(), None
    try:
        from app.core.media.audio_player import AudioPlayer
        from app.core.media.devices import MediaDevices
    except ImportError as exc:
        log.warning("app.core.media is not available (%s): meetings are receive-only", exc)
        return ReceiveOnlyDevices(str(exc)), None
    return MediaDevices(), AudioPlayer


def build_window(
    paths: AppPaths,
    server_url: str | None = None,
    *,
    keyring_backend: KeyringBackend | None = None,
    media: tuple[Devices, PlayerFactory | None] | None = None,
    synthetic_devices: bool = False,
    invite: Invite | None = None,
) -> MainWindow:
    """Build core objects, view-models and the window; nothing runs until vm.start()."""
    override = ClientSettings(ServerMode.REMOTE, server_url) if server_url else None
    trust = TlsTrust(PinStore(paths.config_dir))

    def client_for(base_url: str) -> ApiClient:
        return ApiClient(base_url, ssl=trust.ssl_for(base_url))

    account = AccountSession(TokenStore(keyring_backend), client_factory=client_for)
    devices, player_factory = media or default_media(synthetic_devices)
    vm = AppViewModel(
        SettingsFile(paths.config_dir),
        ServerLink(paths.server_data_dir),
        account,
        trust,
        guest_names=GuestNameFile(paths.config_dir),
        invite=invite,
        server_override=override,
        devices=devices,
        player_factory=player_factory,
    )
    vm.meeting.presence.use_prefs(NoticePrefsFile(paths.config_dir))
    appearance = AppearanceViewModel(AppearancePrefsFile(paths.config_dir))
    window = MainWindow(vm, appearance=appearance)
    vm.setParent(window)
    appearance.setParent(window)
    return window


def style_application(qapp: QApplication) -> None:
    """Apply the stylesheet and icon from resources/ (the app works without them)."""
    qapp.setStyle("Fusion")
    # Widgets load icons as "icons:name.svg" without knowing where resources/ is.
    QDir.setSearchPaths(ICON_SEARCH_PREFIX, [str(resources_dir() / "icons")])
    qapp.setStyleSheet(read_resource(STYLESHEET))
    icon = resource_path(ICON)
    if icon is not None:
        qapp.setWindowIcon(QIcon(str(icon)))


def run_app(options: Options, env: Mapping[str, str]) -> int:
    """Run the window until it is closed (or SIGINT/SIGTERM), then stop the bundled server."""
    qapp = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(qapp, QApplication)
    qapp.setApplicationName(APP_NAME)
    qapp.setDesktopFileName("podium")
    # We quit ourselves, after the bundled server has stopped.
    qapp.setQuitOnLastWindowClosed(False)
    style_application(qapp)
    paths = resolve_paths(options.data_dir, options.config_dir, env)
    name = instance_name(paths.config_dir)
    if hand_over(name, options.invite.app_link() if options.invite else ""):
        # Podium already runs with this config folder: it raises its window (and joins).
        print("podium: handed over to the Podium window already open", file=sys.stderr)
        return 0
    instance = SingleInstance(name)
    if not instance.listen():
        log.warning("cannot listen on %s: later launches will open another window", name)
    loop = DrainingEventLoop(qapp)
    asyncio.set_event_loop(loop)
    collector = MainThreadCollector(qapp)
    collector.start()
    try:
        with loop:
            window = build_window(
                paths,
                options.server,
                synthetic_devices=options.synthetic_devices,
                invite=options.invite,
            )
            instance.received.connect(window.open_link)
            loop.run_until_complete(run_window(window))
            loop.run_until_complete(_cancel_leftovers())
    finally:
        instance.close()
        collector.stop()
    return 0


async def run_window(window: MainWindow, *, handle_signals: bool = True) -> None:
    """Show the window and start; return once it is closed and the bundled server has stopped."""
    closed = asyncio.Event()
    window.closeRequested.connect(closed.set)
    loop = asyncio.get_running_loop()
    handled: list[signal.Signals] = []
    if handle_signals:
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(sig, closed.set)
                handled.append(sig)
    try:
        window.show()
        window.vm.start()
        await closed.wait()
        window.hide()
        await window.vm.shutdown()
    finally:
        for sig in handled:
            loop.remove_signal_handler(sig)


async def _cancel_leftovers() -> None:
    # Requests still in flight when the window closed end here rather than warn at exit.
    tasks = [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
