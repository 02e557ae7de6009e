"""Every text colour the stylesheets set reads at 4.5:1 or more, disabled states included."""

from __future__ import annotations

import pytest

from app.core.contrast import (
    NON_TEXT_MINIMUM,
    TEXT_MINIMUM,
    colour_in,
    contrast_ratio,
    merged,
    parse_rules,
)
from app.core.resources import read_resource

# Words in a selector that place its widget on the dark meeting screen (not its light side panel).
DARK = (
    "meetingPage",
    "meetingTopBar",
    "meetingToolbar",
    "meetingTool",
    "meetingSubject",
    "meetingCode",
    "meetingCount",
    "meetingCopy",
    "toast",
    "sharingPill",
    "micButton",
    "cameraButton",
    "shareButton",
    "chatButton",
    "peopleButton",
    "handButton",
    "leaveButton",
    "leaveDialog",
)
LIGHT_SURFACES = ("QMainWindow", "QFrame#card", "QFrame#header", "QFrame#footer", "QMessageBox")
DARK_SURFACES = ("QWidget#meetingPage", "QFrame#meetingTopBar", "QDialog#leaveDialog")
TEXT_WIDGETS = ("QPushButton", "QToolButton", "QLabel", "QLineEdit", "QPlainTextEdit", "QComboBox")
# The control types the app uses; each needs a focus ring.
CONTROLS = (
    "QPushButton",
    "QToolButton",
    "QLineEdit",
    "QPlainTextEdit",
    "QTextEdit",
    "QComboBox",
    "QCheckBox",
    "QRadioButton",
    "QTableView",
    "QListView",
    "QListWidget",
    "QSlider",
    "QTabBar",
)


def themes() -> dict[str, str]:
    """The stylesheet text of each theme the app offers."""
    base = read_resource("style.qss")
    return {"light and meeting": base, "high contrast": base + read_resource("high-contrast.qss")}


def is_dark(selector: str) -> bool:
    """Whether the selector styles something on the dark meeting screen."""
    if "QMessageBox" in selector or "participantsPanel" in selector:
        return False
    return any(word in selector for word in DARK)


def background(declarations: dict[str, str]) -> str | None:
    """The background colour a rule sets; None when it sets none (or a transparent one)."""
    for name in ("background", "background-color"):
        if name in declarations:
            return colour_in(declarations[name])
    return None


def pairs(stylesheet: str) -> list[tuple[str, str, str]]:
    """(selector, text colour, background colour) for every text a rule colours."""
    rules = merged(parse_rules(stylesheet))
    light = [c for s in LIGHT_SURFACES if (c := background(rules.get(s, {})))]
    dark = [c for s in DARK_SURFACES if (c := background(rules.get(s, {})))]
    default_text = {False: colour_in(rules["QWidget"]["color"]), True: None}
    default_text[True] = colour_in(rules['QToolButton[role="meetingTool"]']["color"])
    found: list[tuple[str, str, str]] = []
    for rule in parse_rules(stylesheet):
        own = rules[rule.selector]
        base = rules.get(rule.base, {}) if rule.base != rule.selector else {}
        text_widget = rule.selector.split(" ")[-1].startswith(TEXT_WIDGETS)
        if "color" not in own and not (background(own) and ("color" in base or text_widget)):
            continue
        dark_area = is_dark(rule.selector)
        fg = colour_in(own.get("color") or base.get("color") or "") or default_text[dark_area]
        bg = background(own) or background(base)
        surfaces = [bg] if bg else (dark if dark_area else light)
        assert fg is not None
        found += [(rule.selector, fg, surface) for surface in surfaces]
        if "placeholder-text-color" in own:
            hint = colour_in(own["placeholder-text-color"])
            assert hint is not None
            found += [(f"{rule.selector} (placeholder)", hint, surface) for surface in surfaces]
        if "selection-color" in own and "selection-background-color" in own:
            selected = (
                colour_in(own["selection-color"]),
                colour_in(own["selection-background-color"]),
            )
            assert selected[0] and selected[1]
            found.append((f"{rule.selector} (selected)", selected[0], selected[1]))
    return found


@pytest.mark.parametrize("theme", ["light and meeting", "high contrast"])
def test_every_text_colour_reads_at_four_and_a_half_to_one(theme: str) -> None:
    found = pairs(themes()[theme])
    assert len(found) > 40, "the parser found too few coloured texts"
    low = [
        f"{selector}: {fg} on {bg} is {contrast_ratio(fg, bg):.2f}:1"
        for selector, fg, bg in found
        if contrast_ratio(fg, bg) < TEXT_MINIMUM
    ]
    assert not low, "\n".join(low)


def test_disabled_states_and_placeholders_are_checked_too() -> None:
    found = {selector for selector, _fg, _bg in pairs(themes()["light and meeting"])}
    assert "QLineEdit (placeholder)" in found
    disabled = {selector for selector in found if ":disabled" in selector}
    assert {"QLineEdit:disabled", 'QPushButton[role="primary"]:disabled'} <= disabled
    assert 'QToolButton[role="meetingTool"]:disabled' in disabled


def test_high_contrast_reaches_seven_to_one() -> None:
    """The high-contrast theme aims at WCAG AAA (7:1) for its texts."""
    found = pairs(themes()["high contrast"])
    low = [f"{s}: {fg} on {bg}" for s, fg, bg in found if contrast_ratio(fg, bg) < 7]
    assert not low, "\n".join(low)


@pytest.mark.parametrize("theme", ["light and meeting", "high contrast"])
def test_every_control_type_has_a_visible_focus_ring(theme: str) -> None:
    stylesheet = themes()[theme]
    rules = parse_rules(stylesheet)
    everything = merged(rules)
    light = [c for s in LIGHT_SURFACES if (c := background(everything.get(s, {})))]
    dark = [c for s in DARK_SURFACES if (c := background(everything.get(s, {})))]
    rings = [rule for rule in rules if "focus" in rule.states]
    for control in CONTROLS:
        assert any(rule.selector == f"{control}:focus" for rule in rings), control
    faint = []
    for rule in rings:
        ring = colour_in(everything[rule.selector].get("border", ""))
        assert ring is not None, f"{rule.selector} draws no border"
        surfaces = dark if is_dark(rule.selector) else light
        faint += [
            f"{rule.selector}: {ring} on {s}"
            for s in surfaces
            if contrast_ratio(ring, s) < NON_TEXT_MINIMUM
        ]
    assert not faint, "\n".join(faint)


def test_contrast_ratio_matches_wcag() -> None:
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#2f5fd0", "#2f5fd0") == pytest.approx(1)
