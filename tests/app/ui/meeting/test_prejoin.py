"""The pre-join device check and the same panel in the meeting's Settings, against a real server."""

from __future__ import annotations

from typing import Any

from av import AudioFrame
from pytestqt.qtbot import QtBot

from app.bootstrap import default_media
from app.core.media.speaker_tone import tone_frames
from app.core.media_prefs import MediaPrefsFile
from app.core.paths import AppPaths
from app.ui.home_page import HomePage
from app.ui.main_window import MainWindow
from app.ui.prejoin_page import PrejoinPage
from app.viewmodels.app_viewmodel import Page
from app.viewmodels.media_devices import sentences
from app.viewmodels.synthetic_devices import Device, SyntheticDevices
from tests.app.ui.conftest import OpenWindow, shut_down, wait_for, wait_page
from tests.app.ui.helpers import click, type_into
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import Observer, log_in, meeting_page, run, server_url

ADA = "Ada Lovelace"


class TwoCameras(SyntheticDevices):
    """Test sources with a second camera and a speaker, remembering which camera was opened."""

    def __init__(self) -> None:
        super().__init__()
        self.cameras_opened: list[str | None] = []

    def cameras(self) -> list[Device]:
        return [Device("front", "Front camera"), Device("back", "Back camera")]

    def speakers(self) -> list[Device]:
        return [Device("desk", "Desk speakers")]

    def open_camera(self, device_id: str | None = None) -> Any:
        self.cameras_opened.append(device_id)
        return super().open_camera(device_id)


class RecordingPlayer:
    """Stands in for the sound card: keeps what it is asked to play."""

    def __init__(self, device_id: object) -> None:
        self.device_id = device_id
        self.available = True
        self.fed: list[AudioFrame] = []
        self.closed = False

    def feed(self, participant: str, frame: AudioFrame) -> None:
        self.fed.append(frame)

    def close(self) -> None:
        self.closed = True


def prejoin_page(window: MainWindow) -> PrejoinPage:
    page = window.page(Page.PREJOIN)
    assert isinstance(page, PrejoinPage)
    return page


def start_from_home(qtbot: QtBot, window: MainWindow, subject: str) -> PrejoinPage:
    """Type a subject, press Start meeting and wait for the device check."""
    home = window.page(Page.HOME)
    assert isinstance(home, HomePage)
    type_into(qtbot, home.subject.edit, subject)
    click(qtbot, home.start)
    wait_page(qtbot, window, Page.PREJOIN)
    return prejoin_page(window)


def test_the_preview_shows_the_camera_and_the_meter_follows_the_microphone(
    qtbot: QtBot, host_window: HostWindow
) -> None:
    devices = SyntheticDevices()
    window = host_window(devices)
    page = start_from_home(qtbot, window, "Check")
    panel, vm = page.panel, window.vm.prejoin
    assert "Check" in page.what.text() and page.join.text() == "Start meeting"
    assert panel.name.text() == ADA and panel.name.isVisible()  # shown, not editable

    wait_for(qtbot, lambda: panel.preview.frames_shown > 3)
    assert not panel.preview.image.isNull()
    # The synthetic tone (level 0.05, about -29 dBFS) fills about half of the meter.
    wait_for(qtbot, lambda: 30 < panel.level.value() < 80)

    click(qtbot, panel.mic_on)
    assert not vm.mic_on and not vm.is_open("microphone")
    assert panel.level.value() == 0
    shown = panel.preview.frames_shown
    wait_for(qtbot, lambda: panel.preview.frames_shown > shown + 5)  # time passes...
    assert panel.level.value() == 0  # ...and the meter stays still

    click(qtbot, panel.camera_on)
    assert not vm.is_open("camera")
    wait_for(qtbot, lambda: panel.preview.image.isNull())

    # Leaving the page closes every device; the meeting was never created.
    click(qtbot, panel.camera_on)
    wait_for(qtbot, lambda: vm.is_open("camera"))
    click(qtbot, page.cancel)
    wait_page(qtbot, window, Page.HOME)
    assert not vm.is_open("camera") and not vm.is_open("microphone")
    assert window.vm.home.meetings.rowCount() == 0


def test_choices_are_remembered_across_a_restart_and_used_at_the_next_join(
    qtbot: QtBot,
    host_window: HostWindow,
    open_window: OpenWindow,
    app_paths: AppPaths,
    observer: Observer,
) -> None:
    devices = TwoCameras()
    window = host_window(devices)
    page = start_from_home(qtbot, window, "Remember")
    panel = page.panel
    wait_for(qtbot, lambda: panel.boxes["camera"].count() == 3)
    panel.boxes["camera"].setCurrentIndex(2)
    panel.boxes["camera"].activated.emit(2)
    wait_for(qtbot, lambda: devices.cameras_opened[-1:] == ["back"])
    click(qtbot, panel.mic_on)
    click(qtbot, page.cancel)
    wait_page(qtbot, window, Page.HOME)
    saved = MediaPrefsFile(app_paths.config_dir).load()
    assert saved.camera_id == "back" and not saved.mic_on and saved.camera_on
    shut_down(qtbot, window)

    again = open_window(media=(TwoCameras(), None))
    log_in(qtbot, again, "ada")
    page = start_from_home(qtbot, again, "Remembered")
    panel = page.panel
    wait_for(qtbot, lambda: panel.boxes["camera"].currentText() == "Back camera")
    assert not panel.mic_on.isChecked() and panel.camera_on.isChecked()
    click(qtbot, page.join)
    wait_page(qtbot, again, Page.MEETING)
    vm = again.vm.meeting
    assert vm.controls.local.camera_id == "back"
    run(qtbot, observer.join(server_url(again), "grace", vm.join_code))
    wait_for(qtbot, lambda: (ada := observer.sees(ADA)) and ada.camera and not ada.mic)


def test_joining_with_the_camera_off_sends_no_video(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot, observer: Observer
) -> None:
    window = host_window(SyntheticDevices())
    page = start_from_home(qtbot, window, "Camera off")
    wait_for(qtbot, lambda: page.panel.preview.frames_shown > 0)
    click(qtbot, page.panel.camera_on)
    click(qtbot, page.join)
    wait_page(qtbot, window, Page.MEETING)
    vm = window.vm.meeting
    me = vm.you
    assert not vm.controls.camera_on and vm.controls.mic_on
    assert not vm.controls.local.is_open("camera")

    bot = bots(server_url(window), "grace", vm.join_code)
    grid = meeting_page(window).grid
    wait_for(qtbot, lambda: len(grid.camera_tiles()) == 2 and grid.camera_tiles()[1].has_image())
    # Someone who joined after the bot already hears us: the bot has had the time to, too.
    run(qtbot, observer.join(server_url(window), "alan", vm.join_code))
    wait_for(qtbot, lambda: observer.frames[(me, "microphone")] > 25)
    assert observer.frames[(me, "camera")] == 0
    assert not observer.sees(ADA).camera  # type: ignore[union-attr]
    report = bot.report(qtbot)
    received = report["received"][me]
    assert received["audio_frames"] > 0 and received["video_frames"] == 0


def test_without_camera_or_microphone_the_check_says_so_and_still_joins(
    qtbot: QtBot, host_window: HostWindow
) -> None:
    window = host_window(SyntheticDevices(camera=False, microphone=False, screens=0))
    page = start_from_home(qtbot, window, "Listen only")
    panel = page.panel
    wait_for(qtbot, panel.missing.isVisible)
    assert "No camera" in panel.missing.text() and "No microphone" in panel.missing.text()
    assert not panel.mic_on.isEnabled() and not panel.camera_on.isEnabled()
    assert not panel.boxes["camera"].isEnabled()
    assert panel.boxes["camera"].currentText() == "No camera found"
    click(qtbot, page.join)
    wait_page(qtbot, window, Page.MEETING)


def test_the_speaker_test_plays_the_tone_on_the_chosen_speaker(
    qtbot: QtBot, host_window: HostWindow
) -> None:
    players: list[RecordingPlayer] = []

    def player_factory(device_id: object) -> RecordingPlayer:
        players.append(RecordingPlayer(device_id))
        return players[-1]

    window = host_window(TwoCameras(), player_factory)
    page = start_from_home(qtbot, window, "Sound")
    panel = page.panel
    wait_for(qtbot, lambda: panel.boxes["speaker"].count() == 2)
    panel.boxes["speaker"].setCurrentIndex(1)
    panel.boxes["speaker"].activated.emit(1)
    click(qtbot, panel.test_speaker)
    wait_for(qtbot, lambda: players and players[-1].closed)
    [player] = players
    assert player.device_id == "desk"
    assert len(player.fed) == len(tone_frames())
    assert "Didn't hear it?" in panel.message.text()


def test_the_meetings_settings_switch_a_device_in_the_running_call(
    qtbot: QtBot, host_window: HostWindow, app_paths: AppPaths
) -> None:
    devices = TwoCameras()
    window = host_window(devices)
    page = start_from_home(qtbot, window, "Switch")
    click(qtbot, page.join)
    wait_page(qtbot, window, Page.MEETING)
    vm = window.vm.meeting
    wait_for(qtbot, lambda: vm.controls.local.is_open("camera"))
    meeting = meeting_page(window)
    click(qtbot, meeting.toolbar.buttons["settings"])
    dialog = meeting.device_dialog
    assert dialog is not None
    panel = dialog.panel
    wait_for(qtbot, lambda: panel.boxes["camera"].count() == 3)
    # The same panel, fed by the call: our own picture and our microphone on its way out.
    wait_for(qtbot, lambda: panel.preview.frames_shown > 2)
    wait_for(qtbot, lambda: panel.level.value() > 30)
    assert panel.camera_on.isChecked() and panel.mic_on.isChecked()

    opened = len(devices.cameras_opened)
    panel.boxes["camera"].setCurrentIndex(2)
    panel.boxes["camera"].activated.emit(2)
    wait_for(qtbot, lambda: devices.cameras_opened[opened:] == ["back"])
    assert vm.controls.local.camera_id == "back" and vm.controls.local.is_open("camera")
    shown = panel.preview.frames_shown
    wait_for(qtbot, lambda: panel.preview.frames_shown > shown + 2)  # the new camera's picture
    wait_for(qtbot, lambda: MediaPrefsFile(app_paths.config_dir).load().camera_id == "back")

    click(qtbot, panel.mic_on)
    wait_for(qtbot, lambda: not vm.controls.mic_on)
    assert not meeting.toolbar.action("mic").isChecked()
    assert panel.level.value() == 0
    dialog.reject()
    wait_for(qtbot, lambda: not vm.controls.microphone_listeners)


def test_this_machines_devices_or_their_absence_are_shown_before_joining(
    qtbot: QtBot, host_window: HostWindow
) -> None:
    devices, player_factory = default_media()  # the real MediaDevices and AudioPlayer
    window = host_window(devices, player_factory)
    page = start_from_home(qtbot, window, "Real devices")
    panel, vm = page.panel, window.vm.prejoin
    wait_for(qtbot, lambda: panel.boxes["camera"].count() > 0)
    for sentence in sentences(devices.availability()):
        assert sentence in panel.missing.text()
    for switch, kind in ((panel.mic_on, "microphone"), (panel.camera_on, "camera")):
        assert switch.isEnabled() == bool(vm.lists[kind])
        assert panel.boxes[kind].isEnabled() == bool(vm.lists[kind])
    assert panel.test_speaker.isEnabled() == bool(vm.lists["speaker"])
    click(qtbot, page.join)
    wait_page(qtbot, window, Page.MEETING)
    assert not vm.is_open("camera") and not vm.is_open("microphone")
