"""A user's data export: every file of their data in one ZIP, at most once per ten minutes."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import math
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO, Any

from server.accounts.service import Caller
from server.domain_errors import Throttled
from server.privacy.csv_safety import neutralise
from server.store.export import CONTACT_COLUMNS, ExportData, ExportStore

EXPORT_INTERVAL_SECONDS = 600.0

README = """\
Your data from this Podium server
=================================

Exported {exported_at} for the account "{username}".

profile.json        your profile: every field you gave, when the account was made and last
                    changed, your public profile settings and any staff roles you hold.
consents.json       every consent you gave or withdrew (newsletter, usage statistics,
                    testimonial publication, organiser contact): when, which policy version
                    was in force and where you did it (app, web or e-mail).
sessions.json       the devices logged in to your account: when each session started, was
                    last used and expires, its user agent and network address. Session tokens
                    are never included.
meetings.json       the meetings you organise, with the participants and the chat Podium
                    keeps for them (you hold these as the organiser).
chat.json           every chat message you sent, in any meeting.
contacts.csv        your address book. Cells that a spreadsheet would run as a formula start
                    with an apostrophe.
audit.json          every time a member of staff read your data: when, who, in which role,
                    why, and which fields.
testimonials.json   the testimonials you wrote, and whether they were approved or withdrawn.
policy.json         the privacy policy versions you accepted, and when.
pending_consents.json
                    consents you asked for that wait for the link e-mailed to you (the
                    newsletter's double opt-in): when you asked, until when the link works.

Times are UTC (ISO 8601). Passwords are stored only as one-way hashes and are never exported.
"""


def iso(timestamp: float | None) -> str | None:
    if timestamp is None:
        return None
    return (
        datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def _times(row: dict[str, Any], *names: str) -> dict[str, Any]:
    for name in names:
        if name in row:
            row[name] = iso(row[name])
    return row


def _json_or_text(raw: str) -> Any:
    """A JSON column's value; a damaged one is exported as the text it holds."""
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return raw


def _write_json_list(archive: zipfile.ZipFile, name: str, items: Iterable[Any]) -> None:
    """Write a JSON array one item at a time, so no list is built in memory."""
    with archive.open(name, "w") as raw, io.TextIOWrapper(raw, encoding="utf-8") as out:
        out.write("[")
        for index, item in enumerate(items):
            out.write(",\n  " if index else "\n  ")
            out.write(json.dumps(item, ensure_ascii=False))
        out.write("\n]\n")


def _write_json(archive: zipfile.ZipFile, name: str, value: Any) -> None:
    archive.writestr(name, json.dumps(value, ensure_ascii=False, indent=2) + "\n")


def _profile(data: ExportData) -> dict[str, Any]:
    profile = _times(dict(data.profile or {}), "created_at", "updated_at", "deletion_requested_at")
    public = data.public_profile
    profile["public_profile"] = (
        {
            "enabled": bool(public["enabled"]),
            "fields": _json_or_text(public["fields"]),
            "bio": public["bio"],
            "updated_at": iso(public["updated_at"]),
        }
        if public
        else {"enabled": False, "fields": [], "bio": None}
    )
    profile["staff_roles"] = [_times(dict(r), "granted_at") for r in data.staff_roles]
    return profile


def _consents(data: ExportData) -> Iterator[dict[str, Any]]:
    for event in data.consent_events:
        yield _times({**event, "granted": bool(event["granted"])}, "at")


def _meetings(data: ExportData) -> Iterator[dict[str, Any]]:
    for meeting in data.meetings:
        yield {
            **_times(dict(meeting), "created_at", "ended_at"),
            "participants": [_times(dict(p), "first_message_at") for p in meeting["participants"]],
            "chat": [_times(dict(m), "sent_at") for m in meeting["chat"]],
        }


def _each(rows: Iterable[dict[str, Any]], *names: str) -> Iterator[dict[str, Any]]:
    """Copies of `rows` with the named times as ISO text."""
    return (_times(dict(row), *names) for row in rows)


def _write_contacts(archive: zipfile.ZipFile, data: ExportData) -> None:
    with (
        archive.open("contacts.csv", "w") as raw,
        io.TextIOWrapper(raw, encoding="utf-8", newline="") as out,
    ):
        writer = csv.writer(out)
        writer.writerow(CONTACT_COLUMNS)
        for contact in _each(data.contacts, "created_at", "updated_at"):
            writer.writerow(
                [
                    neutralise(str(contact[c])) if contact[c] is not None else ""
                    for c in CONTACT_COLUMNS
                ]
            )


def build_zip(data: ExportData, target: IO[bytes], now: float) -> None:
    """Write every file of the export into `target`; runs in a worker thread, not the database's."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        profile = _profile(data)
        _write_json(archive, "profile.json", profile)
        _write_json_list(archive, "consents.json", _consents(data))
        _write_json_list(
            archive,
            "sessions.json",
            _each(data.sessions, "created_at", "last_used_at", "expires_at"),
        )
        _write_json_list(archive, "meetings.json", _meetings(data))
        _write_json_list(archive, "chat.json", _each(data.chat_sent, "sent_at"))
        _write_contacts(archive, data)
        _write_json_list(archive, "audit.json", _each(data.audit, "at"))
        _write_json_list(
            archive,
            "testimonials.json",
            _each(data.testimonials, "created_at", "approved_at", "withdrawn_at"),
        )
        _write_json_list(
            archive, "policy.json", _each(data.policy_acceptances, "accepted_at", "effective_at")
        )
        _write_json_list(
            archive,
            "pending_consents.json",
            _each(data.pending_consents, "requested_at", "expires_at"),
        )
        archive.writestr(
            "README.txt",
            README.format(exported_at=iso(now), username=profile.get("username", "")),
        )


class ExportService:
    def __init__(self, store: ExportStore, clock: Callable[[], float]):
        self._store = store
        self._clock = clock

    async def wait(self, caller: Caller) -> int:
        """Whole seconds until the caller may export again (0: now), so the app can say so
        before it asks where to save."""
        wait = await self._store.wait(caller.user_id, self._clock(), EXPORT_INTERVAL_SECONDS)
        return max(1, math.ceil(wait)) if wait > 0 else 0

    async def export(self, caller: Caller) -> io.BytesIO:
        """The caller's ZIP, positioned at its start.

        The rows are read in one transaction; the ZIP is then compressed in a worker thread, so
        the database thread is free for everyone else meanwhile. The ZIP is held in memory only:
        the plaintext of an export is never written to disk.
        """
        now = self._clock()
        wait = await self._store.claim(caller.user_id, now, EXPORT_INTERVAL_SECONDS)
        if wait > 0:
            seconds = max(1, math.ceil(wait))
            raise Throttled(
                f"one export per {int(EXPORT_INTERVAL_SECONDS // 60)} minutes; "
                f"try again in {seconds} seconds",
                "export_too_soon",
                retry_after=seconds,
            )
        target = io.BytesIO()
        try:
            data = await self._store.read(caller.user_id, now)
            await asyncio.to_thread(build_zip, data, target, now)
        except BaseException:
            target.close()
            await self._store.release(caller.user_id, now)
            raise
        target.seek(0)
        return target
