"""CSV cells made safe to open in a spreadsheet (no formula injection)."""

from __future__ import annotations

# A spreadsheet treats a cell starting with one of these as a formula (or splits it on them).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """Prefix a cell that a spreadsheet would read as a formula with an apostrophe."""
    if cell.startswith(_FORMULA_STARTS):
        return "'" + cell
    return cell
