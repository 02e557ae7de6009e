"""The text rules: names others see cannot hide or reorder characters; free text keeps lines."""

from __future__ import annotations

import pytest

from server.text_rules import (
    CONTROL_CHARACTERS,
    INVALID_TEXT,
    INVISIBLE_CHARACTERS,
    TextKind,
    text_problem,
)

NAMES_REFUSED = [
    ("Alice\u202eecilA", INVISIBLE_CHARACTERS),  # right-to-left override
    ("\u2066Bob\u2069", INVISIBLE_CHARACTERS),  # isolate
    ("Al\u200bice", INVISIBLE_CHARACTERS),  # zero-width space
    ("Al\u200dice", INVISIBLE_CHARACTERS),  # zero-width joiner
    ("\ufeffAlice", INVISIBLE_CHARACTERS),  # zero-width no-break space
    ("Alice\u2028Admin", INVISIBLE_CHARACTERS),  # line separator
    ("\u3164", INVISIBLE_CHARACTERS),  # Hangul filler: a name that looks blank
    ("Alice\u00adB", INVISIBLE_CHARACTERS),  # soft hyphen
    ("Alice\x85", CONTROL_CHARACTERS),  # C1 control
    ("Alice\tB", CONTROL_CHARACTERS),
    ("Alice\nB", CONTROL_CHARACTERS),
    ("Alice\x7f", CONTROL_CHARACTERS),
    ("Alice\ud800", INVALID_TEXT),
]


@pytest.mark.parametrize(("value", "problem"), NAMES_REFUSED)
def test_names_refuse_hidden_characters(value: str, problem: str) -> None:
    assert text_problem(value, TextKind.NAME) == problem


@pytest.mark.parametrize(
    "value", ["Alice", "Zoë Ørsted-Łukasz", "محمد", "山田 太郎", "Ngô Bảo Châu", "Renée O'Brien"]
)
def test_real_names_pass(value: str) -> None:
    assert text_problem(value, TextKind.NAME) is None


def test_free_text_keeps_lines_and_emoji_but_not_bidi_overrides() -> None:
    assert text_problem("line one\n\tline two\r\n", TextKind.MULTILINE) is None
    assert text_problem("family 👨\u200d👩\u200d👧", TextKind.MULTILINE) is None
    assert text_problem("see \u202egnp.exe", TextKind.MULTILINE) == INVISIBLE_CHARACTERS
    assert text_problem("bell \x07", TextKind.MULTILINE) == CONTROL_CHARACTERS
    assert text_problem("half \udfff", TextKind.MULTILINE) == INVALID_TEXT
