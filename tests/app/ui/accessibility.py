"""Finding controls a screen reader could not name: walks a widget tree."""

from __future__ import annotations

from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QComboBox,
    QHeaderView,
    QLineEdit,
    QPlainTextEdit,
    QScrollBar,
    QTabBar,
    QTextEdit,
    QWidget,
)

INTERACTIVE = (
    QAbstractButton,
    QLineEdit,
    QTextEdit,
    QPlainTextEdit,
    QComboBox,
    QAbstractItemView,
    QAbstractSlider,
    QAbstractSpinBox,
    QTabBar,
)
# Parts Qt builds inside a control (and names through it): a combo's editor and list, a tab
# bar's scroll arrows, a line edit's clear button, a spin box's editor.
_INNER_OF = (QComboBox, QTabBar, QLineEdit, QAbstractSpinBox)


def accessible_name(widget: QWidget) -> str:
    """The name assistive technology is given: the accessible name, else a button's text."""
    name = widget.accessibleName().strip()
    if not name and isinstance(widget, QAbstractButton):
        name = widget.text().replace("&", "").strip()
    if not name:
        interface = QAccessible.queryAccessibleInterface(widget)
        if interface is not None:
            name = interface.text(QAccessible.Text.Name).strip()
    return name


def _is_inner_part(widget: QWidget) -> bool:
    if isinstance(widget, (QHeaderView, QScrollBar)):
        return True
    parent = widget.parentWidget()
    # A table's corner button; widgets placed in a view's cells are still checked.
    if isinstance(parent, QAbstractItemView) and isinstance(widget, QAbstractButton):
        return True
    while parent is not None:
        if isinstance(parent, _INNER_OF):
            return True
        parent = parent.parentWidget()
    return False


def _describe(widget: QWidget) -> str:
    parents: list[str] = []
    parent = widget.parentWidget()
    while parent is not None and len(parents) < 3:
        parents.append(parent.objectName() or type(parent).__name__)
        parent = parent.parentWidget()
    tip = widget.toolTip()
    return f"{type(widget).__name__} {widget.objectName()!r} in {'/'.join(parents)}" + (
        f" (tooltip {tip!r})" if tip else ""
    )


def controls(root: QWidget) -> list[QWidget]:
    """The interactive controls under (and including) root, inner parts left out."""
    found = [root] if isinstance(root, INTERACTIVE) else []
    found += [w for w in root.findChildren(QWidget) if isinstance(w, INTERACTIVE)]
    return [w for w in found if not _is_inner_part(w)]


def unnamed_controls(root: QWidget) -> list[str]:
    """A description of every interactive control under root that has no accessible name."""
    return [_describe(w) for w in controls(root) if not accessible_name(w)]
