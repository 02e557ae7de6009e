"""High contrast: a box in the window's header switches the whole app at once, and is remembered."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from app.bootstrap import style_application
from app.core.appearance_prefs import APPEARANCE_FILE
from app.core.paths import AppPaths
from app.core.resources import read_resource
from app.viewmodels.app_viewmodel import Page
from tests.app.ui.conftest import OpenWindow, wait_page
from tests.app.ui.helpers import click

HIGH_CONTRAST = read_resource("high-contrast.qss")


@pytest.fixture
def normal_look_after(qapp: QApplication) -> Iterator[None]:
    """Later tests in this process get the normal stylesheet back."""
    yield
    style_application(qapp)


def test_high_contrast_applies_at_once_and_is_remembered(
    qtbot: QtBot,
    qapp: QApplication,
    open_window: OpenWindow,
    app_paths: AppPaths,
    normal_look_after: None,
) -> None:
    window = open_window()
    wait_page(qtbot, window, Page.SETUP)
    box = window.high_contrast
    assert box.isVisible() and not box.isChecked()
    assert HIGH_CONTRAST not in qapp.styleSheet()
    before = window.grab().toImage()

    click(qtbot, box)

    assert box.isChecked()
    assert HIGH_CONTRAST in qapp.styleSheet()
    after = window.grab().toImage()
    assert before != after, "the window looks the same in high contrast"
    # The page behind the card turns white, the card gets a black border.
    assert after.pixelColor(5, after.height() - 5).name() == "#ffffff"
    saved = json.loads((app_paths.config_dir / APPEARANCE_FILE).read_text())
    assert saved == {"high_contrast": True}

    # The next start opens in high contrast, box ticked.
    style_application(qapp)
    again = open_window()
    wait_page(qtbot, again, Page.SETUP)
    assert again.high_contrast.isChecked()
    assert HIGH_CONTRAST in qapp.styleSheet()

    # In a meeting the header is hidden: the meeting's More menu has the same switch.
    assert again.meeting_contrast in again.pages[Page.MEETING].toolbar.more_menu.actions()
    assert again.meeting_contrast.isChecked()
    again.meeting_contrast.trigger()
    assert not again.high_contrast.isChecked()
    assert HIGH_CONTRAST not in qapp.styleSheet()
    again.meeting_contrast.trigger()
    assert HIGH_CONTRAST in qapp.styleSheet()

    click(qtbot, again.high_contrast)
    assert not again.meeting_contrast.isChecked()
    assert HIGH_CONTRAST not in qapp.styleSheet()
    assert json.loads((app_paths.config_dir / APPEARANCE_FILE).read_text()) == {
        "high_contrast": False
    }


def test_an_unreadable_choice_means_normal(
    qtbot: QtBot, qapp: QApplication, open_window: OpenWindow, app_paths: AppPaths
) -> None:
    app_paths.config_dir.mkdir(parents=True, exist_ok=True)
    (app_paths.config_dir / APPEARANCE_FILE).write_text("{not json")
    window = open_window()
    wait_page(qtbot, window, Page.SETUP)
    assert not window.high_contrast.isChecked()
    assert HIGH_CONTRAST not in qapp.styleSheet()
