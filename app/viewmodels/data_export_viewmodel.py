"""Download my data: save the export ZIP where the member chooses, with progress."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from qasync import asyncSlot

from app.core.account_session import AccountSession
from app.core.api import ApiError
from app.core.downloads import SaveError
from app.viewmodels.form_viewmodel import FormViewModel
from app.viewmodels.time_text import wait_text

TOO_MANY = 429


def size_text(size: int) -> str:
    """ "2.4 KB", "1.3 MB"."""
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


class DataExportViewModel(FormViewModel):
    """download(path) streams the ZIP to disk; progress(received, total) while it runs."""

    # received bytes, total bytes (-1: the server did not say).
    progress = Signal(object, object)
    saved = Signal(str)
    # The server allows an export now: ask where to save it (the suggested file name).
    readyToSave = Signal(str)

    def __init__(self, account: AccountSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._account = account

    @staticmethod
    def suggested_name(today: date | None = None) -> str:
        """podium-export-YYYY-MM-DD.zip."""
        return f"podium-export-{(today or date.today()).isoformat()}.zip"

    @asyncSlot()
    async def prepare(self) -> None:
        """Check the 10-minute limit before the member picks a file: readyToSave, or when."""
        self.clear_messages()
        self._set_busy(True)
        try:
            wait = await self._account.api.export_wait()
        except ApiError as exc:
            self._report(exc)
            return
        finally:
            self._set_busy(False)
        if wait > 0:
            self._set_error(self._too_soon(wait))
            return
        self.readyToSave.emit(self.suggested_name())

    @asyncSlot(str)
    async def download(self, path: str) -> None:
        """Save the export at path (chosen by the member)."""
        self.clear_messages()
        if not path:
            return
        self._set_busy(True)
        try:
            result = await self._account.api.export_my_data(Path(path), self._on_progress)
        except ApiError as exc:
            if exc.status == TOO_MANY:
                self._set_error(self._too_soon(exc.retry_after))
            else:
                self._report(exc)
            return
        except SaveError as exc:
            self._set_error(str(exc))
            return
        finally:
            self._set_busy(False)
        self._set_status(f"Saved your data to {result.path} ({size_text(result.size)}).")
        self.saved.emit(str(result.path))

    def _on_progress(self, received: int, total: int | None) -> None:
        self.progress.emit(received, -1 if total is None else total)

    @staticmethod
    def _too_soon(retry_after: int | None) -> str:
        when = wait_text(retry_after) if retry_after else "in a few minutes"
        return f"You can download your data once every 10 minutes. Please try again {when}."
