"""Public profile: on or off, which fields it shows, a bio, and the page's address."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QPlainTextEdit, QWidget

from app.ui.widgets import Banner, Card, button, plain_label
from app.viewmodels.public_profile_viewmodel import MAX_BIO, PublicProfileViewModel

FIELD_COLUMNS = 4


class PublicProfileCard(Card):
    """The switch, a box per field, the bio, the link; Save sends them together."""

    def __init__(self, vm: PublicProfileViewModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._vm = vm
        self.body.addWidget(plain_label("Public profile", role="cardTitle", wrap=False))
        self.body.addWidget(
            plain_label(
                "A page anyone can open, showing only what you pick here. While it is off, the "
                "page does not exist. Your e-mail address, phone and address are never on it.",
                role="hint",
            )
        )
        self.enabled = QCheckBox("Show my public profile page")
        self.enabled.setObjectName("publicProfileEnabled")
        self.body.addWidget(self.enabled)

        self.fields_label = plain_label("Show these fields:", role="field")
        self.body.addWidget(self.fields_label)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(6)
        self.fields: dict[str, QCheckBox] = {}
        for at, (name, label) in enumerate(vm.choices()):
            box = QCheckBox(label)
            box.setObjectName(f"publicField_{name}")
            self.fields[name] = box
            grid.addWidget(box, at // FIELD_COLUMNS, at % FIELD_COLUMNS)
        self.body.addLayout(grid)

        self.body.addWidget(plain_label(f"About me (at most {MAX_BIO} characters)", role="field"))
        self.bio = QPlainTextEdit()
        self.bio.setObjectName("publicBio")
        self.bio.setAccessibleName("About you (public profile)")
        self.bio.setPlaceholderText("A few words about you, shown as plain text.")
        self.bio.setFixedHeight(72)
        self.body.addWidget(self.bio)

        link_line = QHBoxLayout()
        self.url = plain_label(role="link", wrap=False)
        self.url.setObjectName("publicProfileUrl")
        self.url.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy = button("Copy link", role="secondary")
        link_line.addWidget(plain_label("Your page:", role="hint", wrap=False))
        link_line.addWidget(self.url, 1)
        link_line.addWidget(self.copy)
        self.body.addLayout(link_line)

        self.status = Banner("success")
        self.status.setObjectName("publicProfileStatus")
        self.error = Banner("error")
        self.body.addWidget(self.status)
        self.body.addWidget(self.error)
        actions = QHBoxLayout()
        actions.addStretch(1)
        self.save = button("Save public profile")
        self.save.setObjectName("savePublicProfile")
        actions.addWidget(self.save)
        self.body.addLayout(actions)

        self.save.clicked.connect(self._save)
        self.copy.clicked.connect(self._copy)
        self.enabled.toggled.connect(self._enable_choices)
        vm.settingsChanged.connect(self._show)
        vm.statusChanged.connect(self.status.show_message)
        vm.errorChanged.connect(self.error.show_message)
        vm.busyChanged.connect(lambda busy: self.save.setEnabled(not busy))
        self._show(vm.settings)

    def _show(self, settings: dict[str, object]) -> None:
        self.enabled.setChecked(bool(settings.get("enabled")))
        chosen = settings.get("fields") or []
        for name, box in self.fields.items():
            box.setChecked(name in chosen)  # type: ignore[operator]
        self.bio.setPlainText(str(settings.get("bio") or ""))
        self._show_url(str(settings.get("url") or ""), bool(settings.get("enabled")))
        self._enable_choices(self.enabled.isChecked())

    def _show_url(self, url: str, enabled: bool) -> None:
        self._url = url
        self.url.setText(url if enabled else f"{url} (off: nobody can open it)" if url else "")
        self.copy.setEnabled(bool(url) and enabled)

    def _enable_choices(self, on: bool) -> None:
        for box in self.fields.values():
            box.setEnabled(on)
        self.bio.setEnabled(on)
        self.fields_label.setEnabled(on)

    def _copy(self) -> None:
        if self._url:
            QGuiApplication.clipboard().setText(self._url)
            self.status.show_message("Link copied.")

    def _save(self) -> None:
        chosen = [name for name, box in self.fields.items() if box.isChecked()]
        self._vm.save(self.enabled.isChecked(), chosen, self.bio.toPlainText())
