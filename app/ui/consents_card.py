"""Consents: newsletter (double opt-in), anonymous statistics, organiser e-mail; the history."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QVBoxLayout, QWidget

from app.ui.tables import fit_rows, list_table
from app.ui.widgets import Banner, Card, button, plain_label
from app.viewmodels.consents_viewmodel import PURPOSE_NAMES, TOGGLES, ConsentsViewModel

EXPLANATIONS = {
    "newsletter": (
        "News about Podium by e-mail, now and then. We first e-mail you a link to confirm; "
        "every newsletter has a one-click unsubscribe link."
    ),
    "usage_statistics": (
        "Count my visits in the anonymous statistics (pages seen, time spent). Only totals are "
        "kept, never who you are; everything works the same without."
    ),
    "organiser_contact": (
        "Organisers of meetings I registered for may e-mail me about their other events."
    ),
}


class ConsentRow(QWidget):
    """A checkbox for one purpose with its explanation and its current state."""

    def __init__(self, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.purpose = purpose
        self.box = QCheckBox(PURPOSE_NAMES[purpose])
        self.box.setObjectName(f"consent_{purpose}")
        self.explanation = plain_label(EXPLANATIONS.get(purpose, ""), role="hint")
        self.state = plain_label(role="consentState")
        self.state.setObjectName(f"consentState_{purpose}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.box)
        inner = QVBoxLayout()
        inner.setContentsMargins(28, 0, 0, 0)
        inner.setSpacing(2)
        inner.addWidget(self.explanation)
        inner.addWidget(self.state)
        layout.addLayout(inner)

    def show_state(self, state: dict[str, Any]) -> None:
        """Tick the box when granted or waiting for confirmation; say which."""
        self.box.setChecked(bool(state.get("checked")))
        self.state.setText(str(state.get("text", "")))
        self.state.setProperty("pending", bool(state.get("pending")))
        self.state.style().unpolish(self.state)
        self.state.style().polish(self.state)


class ConsentsCard(Card):
    """One row per purpose; a click grants or withdraws at once."""

    def __init__(self, vm: ConsentsViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.body.addWidget(plain_label("What you agree to", role="cardTitle", wrap=False))
        self.body.addWidget(
            plain_label(
                "Nothing here is on until you tick it, and unticking withdraws at once. Mail "
                "about your account, security and policy changes still reaches you.",
                role="hint",
            )
        )
        self.status = Banner("success")
        self.status.setObjectName("consentsStatus")
        self.error = Banner("error")
        self.no_mail = Banner("warning")
        self.no_mail.setObjectName("newsletterNoMail")
        self.rows = {purpose: ConsentRow(purpose) for purpose in TOGGLES}
        for row in self.rows.values():
            self.body.addWidget(row)
            row.box.clicked.connect(lambda checked, p=row.purpose: vm.change(p, checked))
            if row.purpose == "newsletter":
                self.body.addWidget(self.no_mail)
        self.body.addWidget(self.status)
        self.body.addWidget(self.error)
        history_line = QHBoxLayout()
        history_line.addWidget(
            plain_label("Every change is recorded with its time and how you made it.", role="hint"),
            1,
        )
        self.show_history = button("Show history", role="link")
        history_line.addWidget(self.show_history)
        self.body.addLayout(history_line)
        self.history = list_table(vm.history, "consentHistory", stretch=1)
        self.history.setAccessibleName("Consent history")
        fit_rows(self.history, 6)
        self.history.setVisible(False)
        self.body.addWidget(self.history)

        self.show_history.clicked.connect(self._toggle_history)
        vm.consentsChanged.connect(self._show)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.noMailChanged.connect(self.no_mail.show_message)
        vm.busyChanged.connect(self._set_busy)
        self._show(vm.states())
        self.no_mail.show_message(vm.no_mail_notice)

    def _show(self, states: dict[str, dict[str, Any]]) -> None:
        for purpose, row in self.rows.items():
            row.show_state(states.get(purpose, {}))

    def _toggle_history(self) -> None:
        shown = not self.history.isVisible()
        self.history.setVisible(shown)
        self.show_history.setText("Hide history" if shown else "Show history")

    def _set_busy(self, busy: bool) -> None:
        for row in self.rows.values():
            row.box.setEnabled(not busy)
