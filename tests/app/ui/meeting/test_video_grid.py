"""Tiles follow the people in the meeting; bots' video reaches their tiles, audio the player."""

from __future__ import annotations

from av import AudioFrame
from pytestqt.qtbot import QtBot

from app.viewmodels.app_viewmodel import Page
from app.viewmodels.synthetic_devices import SyntheticDevices
from tests.app.ui.conftest import wait_for, wait_page
from tests.app.ui.meeting.conftest import HostWindow, StartBot
from tests.app.ui.meeting.support import meeting_page, participant_named, server_url


class RecordingPlayer:
    """An AudioPlayer stand-in that counts what it is fed."""

    def __init__(self, device_id: object) -> None:
        self.device_id = device_id
        self.available = True
        self.fed: dict[str, int] = {}
        self.closed = False

    def feed(self, participant: str, frame: AudioFrame) -> None:
        assert isinstance(frame, AudioFrame)
        self.fed[participant] = self.fed.get(participant, 0) + 1

    def close(self) -> None:
        self.closed = True


def test_a_tile_per_person_with_video_initials_and_marks(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    players: list[RecordingPlayer] = []

    def make_player(device_id: object) -> RecordingPlayer:
        players.append(RecordingPlayer(device_id))
        return players[-1]

    window = host_window(SyntheticDevices(), make_player)
    vm = window.vm.meeting
    vm.start("Review")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    url = server_url(window)
    grace = bots(url, "grace", vm.join_code)
    alan = bots(url, "alan", vm.join_code, "--publish", "none")

    def names() -> list[str]:
        return [tile.name for tile in page.grid.camera_tiles()]

    wait_for(qtbot, lambda: sorted(names()) == ["Ada Lovelace", "Alan Turing", "Grace Hopper"])
    assert names()[0] == "Ada Lovelace"  # you first
    tiles = {tile.name: tile for tile in page.grid.camera_tiles()}

    # Grace sends a camera: her frames reach her tile. Alan sends nothing: initials, muted.
    grace_tile = tiles["Grace Hopper"]
    wait_for(qtbot, grace_tile.has_image)
    assert vm.frames.frame_size(grace_tile.participant, "camera") == (640, 480)
    # Converted to the size shown: her 4:3 camera covers the 16:9 tile (the middle is shown).
    image = grace_tile.image()
    assert image is not None and image.width() in (grace_tile.width(), grace_tile.width() + 1)
    assert grace_tile.height() <= image.height() < 480
    assert not tiles["Alan Turing"].has_image()
    assert tiles["Alan Turing"].state.initials == "AT"
    assert not tiles["Alan Turing"].state.mic
    assert "Alan Turing" in tiles["Alan Turing"].accessibleName()

    # Three people: a 2 × 2 grid, equal tiles, nothing on stage.
    assert page.grid.on_stage is None
    sizes = {tile.size().toTuple() for tile in page.grid.camera_tiles()}
    assert len(sizes) == 1
    tops = sorted({tile.y() for tile in page.grid.camera_tiles()})
    assert len(tops) == 2

    # Grace's tone is played; the loudest (Grace) is marked as speaking.
    (player,) = players
    grace_id = participant_named(vm, "Grace Hopper")
    assert grace_id is not None
    wait_for(qtbot, lambda: player.fed.get(grace_id.id, 0) > 10)
    wait_for(qtbot, lambda: tiles["Grace Hopper"].state.speaking)

    # Alan leaves: his tile goes.
    alan.stop()
    wait_for(qtbot, lambda: sorted(names()) == ["Ada Lovelace", "Grace Hopper"])
    grace.stop()
    wait_for(qtbot, lambda: names() == ["Ada Lovelace"])

    vm.leave()
    wait_page(qtbot, window, Page.HOME)
    assert player.closed


def test_a_shared_screen_goes_on_stage_with_the_cameras_in_a_strip(
    qtbot: QtBot, host_window: HostWindow, bots: StartBot
) -> None:
    window = host_window()
    vm = window.vm.meeting
    vm.start("Demo")
    wait_page(qtbot, window, Page.MEETING)
    page = meeting_page(window)
    grace = bots(server_url(window), "grace", vm.join_code, "--share", "testsrc")

    wait_for(qtbot, lambda: page.grid.on_stage is not None)
    stage = page.grid.on_stage
    assert stage is not None
    wait_for(qtbot, stage.has_image)
    assert stage.name == "Grace Hopper" and stage.source == "screen"
    assert vm.frames.frame_size(stage.participant, "screen") == (1280, 720)
    # Converted to the size shown: the whole screen fits the stage.
    image = stage.image()
    assert image is not None and image.width() <= stage.width() + 1
    assert image.height() <= stage.height()
    assert stage.width() - image.width() <= 1 or stage.height() - image.height() <= 1
    cameras = page.grid.camera_tiles()
    assert len(cameras) == 2
    # The stage is much larger than the camera strip under it.
    assert stage.width() > 3 * cameras[0].width()
    assert all(tile.y() > stage.geometry().bottom() for tile in cameras)

    grace.stop()
    wait_for(qtbot, lambda: page.grid.on_stage is None)
    assert [tile.name for tile in page.grid.camera_tiles()] == ["Ada Lovelace"]
