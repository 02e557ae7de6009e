"""The server choice view-model validates before anything is saved or started."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from app.core.client_settings import ClientSettings, ServerMode
from app.viewmodels.setup_viewmodel import BUNDLED, REMOTE, SetupViewModel


def test_this_computer_needs_no_address(qtbot: QtBot) -> None:
    vm = SetupViewModel()
    with qtbot.waitSignal(vm.chosen) as chosen:
        vm.submit(BUNDLED, "ignored")
    assert chosen.args == [ClientSettings(ServerMode.BUNDLED)]


def test_a_remote_address_is_normalised(qtbot: QtBot) -> None:
    vm = SetupViewModel()
    with qtbot.waitSignal(vm.chosen) as chosen:
        vm.submit(REMOTE, " https://Podium.Example.org/ ")
    assert chosen.args == [ClientSettings(ServerMode.REMOTE, "https://podium.example.org")]


def test_a_bad_address_is_a_field_error_and_nothing_is_chosen(qtbot: QtBot) -> None:
    vm = SetupViewModel()
    with qtbot.assertNotEmitted(vm.chosen):
        vm.submit(REMOTE, "gopher://old.example.org")
    assert "http" in vm.field_errors["url"]


def test_cancel_only_when_a_choice_exists(qtbot: QtBot) -> None:
    vm = SetupViewModel()
    vm.prepare(None)
    with qtbot.assertNotEmitted(vm.cancelled):
        vm.cancel()
    vm.prepare(ClientSettings(ServerMode.REMOTE, "https://podium.example.org"))
    assert (vm.mode, vm.url, vm.cancellable) == (REMOTE, "https://podium.example.org", True)
    with qtbot.waitSignal(vm.cancelled):
        vm.cancel()
