"""WCAG 2 contrast of the colours a Qt stylesheet gives text, backgrounds and focus rings."""

from __future__ import annotations

import re
from dataclasses import dataclass

# WCAG 2.x success criteria 1.4.3 (text) and 1.4.11 (focus indicators, other non-text parts).
TEXT_MINIMUM = 4.5
NON_TEXT_MINIMUM = 3.0

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
_HEX = re.compile(r"#([0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b")
_PSEUDO = re.compile(r"(::?[!A-Za-z-]+)+$")


@dataclass(frozen=True)
class Rule:
    """One selector of a stylesheet rule and its declarations (property → value)."""

    selector: str
    declarations: dict[str, str]

    @property
    def base(self) -> str:
        """The selector without its trailing pseudo-states (":disabled", ":focus", …)."""
        return _PSEUDO.sub("", self.selector)

    @property
    def states(self) -> frozenset[str]:
        """The trailing pseudo-states, e.g. {"disabled"}."""
        found = _PSEUDO.search(self.selector)
        if found is None:
            return frozenset()
        return frozenset(part for part in re.split(r":+", found.group(0)) if part)


def parse_rules(stylesheet: str) -> list[Rule]:
    """Every (selector, declarations) pair, one Rule per comma-separated selector, in order."""
    rules: list[Rule] = []
    for match in _RULE.finditer(_COMMENT.sub("", stylesheet)):
        declarations: dict[str, str] = {}
        for item in match.group(2).split(";"):
            name, colon, value = item.partition(":")
            if colon:
                declarations[name.strip().lower()] = value.strip()
        for selector in match.group(1).split(","):
            rules.append(Rule(" ".join(selector.split()), declarations))
    return rules


def merged(rules: list[Rule]) -> dict[str, dict[str, str]]:
    """Declarations by selector, later rules overriding earlier ones (as a cascade does)."""
    by_selector: dict[str, dict[str, str]] = {}
    for rule in rules:
        by_selector.setdefault(rule.selector, {}).update(rule.declarations)
    return by_selector


def colour_in(value: str) -> str | None:
    """The first #rrggbb (or #rgb) colour in a declaration's value, as #rrggbb lower-case."""
    found = _HEX.search(value)
    if found is None:
        return None
    digits = found.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return f"#{digits}"


def relative_luminance(colour: str) -> float:
    """WCAG relative luminance of a #rrggbb colour (0 black … 1 white)."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio of two #rrggbb colours, 1 … 21."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
