"""Wording of the privacy panel that does not need a server: dates, waits, states, notices."""

from __future__ import annotations

from datetime import UTC, datetime

from app.core import privacy_data
from app.core.privacy_data import Consent, PolicyState, PolicyVersion
from app.viewmodels.consents_viewmodel import state_text
from app.viewmodels.contact_import_viewmodel import field_choices
from app.viewmodels.data_export_viewmodel import DataExportViewModel, size_text
from app.viewmodels.policy_viewmodel import PolicyViewModel
from app.viewmodels.testimonials_viewmodel import status_text
from app.viewmodels.time_text import date_text, date_time_text, wait_text


def test_dates_and_waits() -> None:
    assert date_text("2030-01-01T12:00:00Z") == "1 January 2030"
    assert date_text("not a date") == ""
    assert date_time_text("nonsense") == "nonsense"
    now = datetime(2026, 5, 4, 14, 0, tzinfo=UTC)
    assert wait_text(600, now) == "in 10 minutes (at 14:10)"
    assert wait_text(30, now) == "in 1 minute (at 14:00)"
    assert size_text(900) == "900 bytes" and size_text(2048) == "2.0 KB"
    assert DataExportViewModel.suggested_name(now.date()) == "podium-export-2026-05-04.zip"


def test_consent_and_testimonial_states() -> None:
    assert state_text(Consent("newsletter", granted=False)) == "Not given"
    assert state_text(Consent("newsletter", granted=False, pending=True)).startswith("Waiting")
    given = Consent("usage_statistics", granted=True, changed_at="2026-11-24T10:00:00Z")
    assert state_text(given) == "Given on 24 November 2026"
    item = privacy_data.Testimonial(1, "x", "Ada", "approved", published=False, created_at="")
    assert status_text(item) == "Approved, not shown"
    assert status_text(privacy_data.Testimonial(1, "x", "Ada", "approved", True, "")) == "Published"
    assert (
        status_text(privacy_data.Testimonial(1, "x", "Ada", "withdrawn", False, "")) == "Withdrawn"
    )
    assert field_choices()[-1] == ("ignore", "Don't import")


def test_the_notice_shows_the_first_line_until_accepted_or_dismissed(qapp: object) -> None:
    vm = PolicyViewModel(account=None)  # type: ignore[arg-type]
    upcoming = PolicyVersion("2099-01", "2099-01-01T00:00:00Z", "Shorter logs.\nDetails.")
    vm._state = PolicyState(
        current=None, accepted_version=None, must_accept=False, upcoming=upcoming
    )
    assert vm.notice == (
        "A new privacy policy (version 2099-01) takes effect on 1 January 2099. Shorter logs."
    )
    assert not vm.must_accept
    vm.dismiss_notice()
    assert vm.notice == ""
    vm.clear()
    assert vm.notice == "" and vm.state["current"] == {}
