"""What text the server accepts in user-supplied fields: the one place these rules live.

Names that others see (display, first and last names, usernames, meeting subjects, contact
names) must look like what they are: no control characters, no invisible characters (zero-width
spaces and joiners, Hangul fillers, other format characters) and no bidi embeddings, overrides
or isolates that would make one name display as another. Free text over several lines (notes,
bios, testimonials, chat) keeps newlines and tabs and the format characters scripts and emoji
need (joiners, marks), but not bidi embeddings, overrides or isolates, which reorder what
follows them.
"""

from __future__ import annotations

import unicodedata
from enum import Enum

from protocol.strict_json import is_valid_text

# U+202A-U+202E embeddings and overrides, U+2066-U+2069 isolates.
BIDI_CONTROLS = frozenset(chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))
# Letters and symbols that draw nothing, used to make a name look blank or like another.
INVISIBLE_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
MULTILINE_CONTROLS = frozenset("\t\n\r")
# Cc control, Cf format (zero-width, bidi marks), Cs lone surrogate, Co private use,
# Zl/Zp line and paragraph separators.
_NOT_IN_NAMES = frozenset({"Cc", "Cf", "Cs", "Co", "Zl", "Zp"})

INVALID_TEXT = "must be valid Unicode text"
CONTROL_CHARACTERS = "must not contain control characters"
INVISIBLE_CHARACTERS = "must not contain invisible or text-direction characters"


class TextKind(Enum):
    NAME = "name"  # one line that others see and must be able to tell apart
    MULTILINE = "multiline"  # free text, may span lines


def text_problem(value: str, kind: TextKind) -> str | None:
    """Why `value` is refused as text of `kind`, or None when it is acceptable."""
    if not is_valid_text(value):
        return INVALID_TEXT
    if value.isascii():
        # The common case, and the only characters to check in it are C0 controls and DEL.
        allowed = MULTILINE_CONTROLS if kind is TextKind.MULTILINE else frozenset()
        if any((ch < " " or ch == "\x7f") and ch not in allowed for ch in value):
            return CONTROL_CHARACTERS
        return None
    for ch in value:
        category = unicodedata.category(ch)
        if category == "Cc":
            if kind is TextKind.MULTILINE and ch in MULTILINE_CONTROLS:
                continue
            return CONTROL_CHARACTERS
        if ch in BIDI_CONTROLS:
            return INVISIBLE_CHARACTERS
        if kind is TextKind.NAME and (category in _NOT_IN_NAMES or ch in INVISIBLE_LETTERS):
            return INVISIBLE_CHARACTERS
    return None
