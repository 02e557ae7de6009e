"""Dates and times from the server (ISO-8601, UTC) in words, in this computer's time zone."""

from __future__ import annotations

from datetime import datetime, timedelta


def _parse(iso: str) -> datetime | None:
    try:
        return datetime.fromisoformat(iso)
    except ValueError:
        return None


def date_text(iso: str) -> str:
    """ "1 January 2030" (local time), or "" when it cannot be read."""
    moment = _parse(iso)
    if moment is None:
        return ""
    moment = moment.astimezone() if moment.tzinfo else moment
    return f"{moment.day} {moment:%B %Y}"


def date_time_text(iso: str) -> str:
    """ "24 November 2026, 14:32" (local time), or the input when it cannot be read."""
    moment = _parse(iso)
    if moment is None:
        return iso
    moment = moment.astimezone() if moment.tzinfo else moment
    return f"{moment.day} {moment:%B %Y, %H:%M}"


def wait_text(seconds: int, now: datetime | None = None) -> str:
    """ "in 10 minutes (at 14:32)" for a Retry-After of so many seconds."""
    now = now or datetime.now().astimezone()
    minutes = max(1, -(-seconds // 60))
    unit = "minute" if minutes == 1 else "minutes"
    at = now + timedelta(seconds=seconds)
    return f"in {minutes} {unit} (at {at:%H:%M})"
