"""The meeting's top bar: subject, join code, copy buttons, what you share, how many are here.

As the window narrows, it gives up words before anything is cut: the copy buttons become icons,
the sharing pill and the code shorten, the count goes (the People panel has it), and only then
is the subject elided (its full text stays in the tooltip).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from app.ui.icons import icon
from app.ui.widgets import button, plain_label

LEVELS = 5  # 0: everything in words ... 4: as short as it gets
PILL_SHORT = 260  # px: the shortened sharing pill ("Sharing Window: a long ti…", tooltip in full)


class MeetingTopBar(QFrame):
    """Shows the texts it is given, as long as the width allows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("meetingTopBar")
        row = QHBoxLayout(self)
        row.setContentsMargins(16, 8, 16, 8)
        row.setSpacing(10)
        self._row = row
        self.subject = plain_label("", role="meetingSubject", wrap=False)
        # The subject alone may shrink below its text: _fit elides it then, tooltip in full.
        self.subject.setMinimumWidth(1)
        self.code = plain_label("", role="meetingCode", wrap=False)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy = self._copy_button("Copy", "copyCodeButton", "Copy the join code")
        self.copy_invite = self._copy_button(
            "Copy invite", "copyInviteButton", "Copy the invite link to send to others"
        )
        self.sharing = plain_label("", role="sharingPill", wrap=False)
        self.stop_sharing = button("Stop sharing", role="danger")
        self.stop_sharing.setToolTip("Stop sharing your screen")
        self.count = plain_label("", role="meetingCount", wrap=False)
        row.addWidget(self.subject)
        row.addWidget(self.code)
        row.addWidget(self.copy)
        row.addWidget(self.copy_invite)
        row.addStretch(1)
        row.addWidget(self.sharing)
        row.addWidget(self.stop_sharing)
        row.addStretch(1)
        row.addWidget(self.count)
        self._texts = {"subject": "", "code": "", "sharing": "", "count": ""}
        self._copy_texts = {self.copy: "Copy", self.copy_invite: "Copy invite"}
        self.level = 0

    def show_info(self, subject: str, code: str) -> None:
        """The meeting's subject and join code ("" hides the code and Copy)."""
        self._texts.update(subject=subject, code=code)
        self.copy.setVisible(bool(code))
        self._fit()

    def show_sharing(self, name: str) -> None:
        """The name of what you share, "" when you share nothing."""
        self._texts["sharing"] = name
        self.sharing.setVisible(bool(name))
        self.stop_sharing.setVisible(bool(name))
        self._fit()

    def show_count(self, count: int) -> None:
        """How many people are in the meeting."""
        self._texts["count"] = f"{count} in the meeting" if count != 1 else "Only you so far"
        self._fit()

    def set_copy_text(self, which: QPushButton, text: str) -> None:
        """A copy button's label ("Copied" for a moment); icon-only buttons keep no label."""
        self._copy_texts[which] = text
        self._fit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Fit the texts to the new width."""
        super().resizeEvent(event)
        self._fit()

    def _copy_button(self, text: str, name: str, tip: str) -> QPushButton:
        widget = button(text, role="meetingCopy")
        widget.setObjectName(name)
        widget.setIcon(icon("copy", "#dfe6f0"))
        widget.setToolTip(tip)
        widget.setAccessibleName(tip)
        return widget

    def _fit(self) -> None:
        for level in range(LEVELS):
            self._apply(level)
            if self._needed() <= self.width():
                break
        self.level = level
        subject = self._texts["subject"]
        room = self.width() - (self._needed() - self._subject_width(subject))
        metrics = QFontMetrics(self.subject.font())
        shown = metrics.elidedText(subject, Qt.TextElideMode.ElideRight, max(0, room))
        self.subject.setText(shown)
        self.subject.setToolTip(subject if shown != subject else "")

    def _apply(self, level: int) -> None:
        code, sharing = self._texts["code"], self._texts["sharing"]
        for widget, text in self._copy_texts.items():
            widget.setText("" if level >= 1 and text != "Copied" else text)
        short = QFontMetrics(self.sharing.font()).elidedText(
            f"Sharing {sharing.split(' (')[0]}", Qt.TextElideMode.ElideRight, PILL_SHORT
        )
        self.sharing.setText(f"You are sharing {sharing}" if level < 2 else short)
        self.sharing.setToolTip(f"You are sharing {sharing}" if level >= 2 else "")
        self.stop_sharing.setText("Stop sharing" if level < 3 else "Stop")
        self.code.setText(f"Join code {code}" if code and level < 3 else code)
        self.code.setToolTip("The join code" if level >= 3 else "")
        self.count.setText(self._texts["count"])
        self.count.setVisible(level < 4)

    def _subject_width(self, subject: str) -> int:
        return QFontMetrics(self.subject.font()).horizontalAdvance(subject)

    def _needed(self) -> int:
        """The width the bar needs with the subject in full."""
        margins = self._row.contentsMargins()
        parts = (self.code, self.copy, self.copy_invite, self.sharing, self.stop_sharing)
        shown = [w for w in (*parts, self.count) if not w.isHidden()]
        total = margins.left() + margins.right() + self._subject_width(self._texts["subject"])
        total += sum(w.sizeHint().width() for w in shown) + self._row.spacing() * len(shown)
        return total
