"""Public profile settings: on or off, which fields it shows, a bio, and the page address."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.privacy_data import PUBLIC_FIELDS, PublicProfileSettings
from app.viewmodels.form_viewmodel import Failed, FormViewModel

FIELD_LABELS = {
    "first_name": "First name",
    "last_name": "Last name",
    "username": "Username",
    "country": "Country",
    "city": "City",
    "company": "Company",
    "title": "Job title",
    "school": "School",
}
MAX_BIO = 500


class PublicProfileViewModel(FormViewModel):
    """Mirrors the server's settings; save() sends the form's choices."""

    settingsChanged = Signal(dict)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account
        self._settings = PublicProfileSettings(enabled=False, fields=(), bio="", path="")

    @staticmethod
    def choices() -> list[tuple[str, str]]:
        """(field name, label) of every field a public page may show, in order."""
        return [(name, FIELD_LABELS.get(name, name)) for name in PUBLIC_FIELDS]

    @property
    def settings(self) -> dict[str, object]:
        """{"enabled", "fields", "bio", "url"}; url is "" until loaded."""
        base = self._account.base_url or ""
        path = self._settings.path
        return {
            "enabled": self._settings.enabled,
            "fields": list(self._settings.fields),
            "bio": self._settings.bio,
            # The server's own word first: from this machine its base URL may be loopback.
            "url": self._settings.url or (f"{base}{path}" if base and path else ""),
        }

    def clear(self) -> None:
        """Forget the settings (on log-out)."""
        self._settings = PublicProfileSettings(enabled=False, fields=(), bio="", path="")
        self.clear_messages()
        self.settingsChanged.emit(self.settings)

    @asyncSlot()
    async def load(self) -> None:
        """Read the settings."""
        settings = await self._attempt(self._account.api.public_profile())
        if isinstance(settings, Failed):
            return
        self._adopt(settings)

    @asyncSlot(bool, list, str)
    async def save(self, enabled: bool, fields: list[str], bio: str) -> None:
        """Save the choices; the page exists only while enabled."""
        self.clear_messages()
        bio = bio.strip()
        if len(bio) > MAX_BIO:
            self._set_field_errors({"bio": f"At most {MAX_BIO} characters, please."})
            self._set_error("Please shorten the bio.")
            return
        chosen = [name for name in PUBLIC_FIELDS if name in fields]
        settings = await self._attempt(
            self._account.api.set_public_profile(enabled, chosen, bio or None)
        )
        if isinstance(settings, Failed):
            return
        self._adopt(settings)
        if settings.enabled:
            self._set_status(f"Saved. Anyone can see your page at {self.settings['url']}.")
        else:
            self._set_status("Saved. Your public page is off: nobody can see it.")

    def _adopt(self, settings: PublicProfileSettings) -> None:
        self._settings = settings
        self.settingsChanged.emit(self.settings)
