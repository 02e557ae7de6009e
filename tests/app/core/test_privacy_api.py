"""ApiClient's privacy and address book calls against a real server child."""

from __future__ import annotations

import json
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from app.core.api import ApiClient, ApiError
from app.core.bundled_server import BundledServer
from app.core.contacts_data import row_errors
from app.core.contacts_import import mapping_spec
from app.core.downloads import SaveError, part_path
from app.core.privacy_data import NEWSLETTER, USAGE_STATISTICS

PASSWORD = "correct horse battery"


@pytest.fixture
async def api(bundled_server: BundledServer) -> AsyncIterator[ApiClient]:
    """A client logged in as a new member, ann."""
    assert bundled_server.base_url is not None
    async with ApiClient(bundled_server.base_url) as client:
        await client.register(
            {
                "first_name": "Ann",
                "last_name": "Lee",
                "username": "ann",
                "email": "ann@example.org",
                "password": PASSWORD,
            }
        )
        await client.login("ann", PASSWORD)
        yield client


async def test_consents_start_withdrawn_and_newsletter_waits_for_confirmation(
    api: ApiClient,
) -> None:
    consents = await api.consents()
    assert [c.purpose for c in consents.consents][:2] == [NEWSLETTER, USAGE_STATISTICS]
    assert not any(c.granted or c.pending for c in consents.consents)
    newsletter = await api.set_consent(NEWSLETTER, True)
    assert newsletter.pending and not newsletter.granted
    stats = await api.set_consent(USAGE_STATISTICS, True)
    assert stats.granted and not stats.pending
    assert not (await api.set_consent(USAGE_STATISTICS, False)).granted
    events = (await api.consents()).events
    assert [(e.purpose, e.granted) for e in events] == [
        (USAGE_STATISTICS, True),
        (USAGE_STATISTICS, False),
    ]


async def test_public_profile_testimonials_audit_and_policy(api: ApiClient) -> None:
    settings = await api.public_profile()
    assert not settings.enabled and settings.path == "/u/ann"
    saved = await api.set_public_profile(True, ["first_name", "city"], "Hello")
    assert saved.enabled and saved.fields == ("first_name", "city") and saved.bio == "Hello"
    mine = await api.submit_testimonial("Podium works.", "Ann L.")
    assert mine.status == "pending" and not mine.published
    assert [t.id for t in await api.my_testimonials()] == [mine.id]
    await api.withdraw_testimonial(mine.id)
    assert (await api.my_testimonials())[0].status == "withdrawn"
    assert await api.audit() == []
    policy = await api.my_policy()
    assert not policy.must_accept


async def test_export_streams_to_disk_with_progress_then_429(
    api: ApiClient, tmp_path: Path
) -> None:
    seen: list[tuple[int, int | None]] = []
    dest = tmp_path / "export.zip"
    result = await api.export_my_data(dest, lambda got, total: seen.append((got, total)))
    assert result.path == dest and result.size == dest.stat().st_size > 0
    assert seen[0][0] == 0 and seen[-1][0] == result.size
    assert not part_path(dest).exists()
    with zipfile.ZipFile(dest) as archive:
        profile = json.loads(archive.read("profile.json"))
        assert "password" not in json.dumps(profile).lower()
    with pytest.raises(ApiError) as again:
        await api.export_my_data(tmp_path / "again.zip")
    assert again.value.status == 429 and again.value.retry_after
    assert not (tmp_path / "again.zip").exists()


async def test_a_download_into_a_missing_folder_is_a_save_error(
    api: ApiClient, tmp_path: Path
) -> None:
    with pytest.raises(SaveError):
        await api.export_contacts(tmp_path / "missing" / "contacts.csv")


async def test_delete_and_cancel(api: ApiClient, bundled_server: BundledServer) -> None:
    with pytest.raises(ApiError) as wrong:
        await api.delete_account("not the password")
    assert wrong.value.code == "wrong_password"
    assert (await api.me()).get("username") == "ann"
    pending = await api.delete_account(PASSWORD)
    assert pending.erase_after > pending.requested_at
    assert api.token is None
    with pytest.raises(ApiError) as refused:
        await api.login("ann", PASSWORD)
    assert refused.value.code == "account_pending_deletion"
    await api.cancel_deletion("ann", PASSWORD)
    await api.login("ann", PASSWORD)


async def test_contacts_crud_import_and_export(api: ApiClient, tmp_path: Path) -> None:
    bob = await api.create_contact({"first_name": "Bob", "email": "bob@example.org"})
    bob = await api.update_contact(bob.id, {"company": "Acme"})
    assert bob.get("company") == "Acme"
    assert [c.id for c in await api.contacts("acme")] == [bob.id]
    assert await api.contacts("nobody") == []

    good = b"Vorname,E-mail Address\nCarol,carol@example.org\nBobby,bob@example.org\n"
    preview = await api.preview_import(good)
    assert [(c.header, c.field) for c in preview.columns] == [
        ("Vorname", None),
        ("E-mail Address", "email"),
    ]
    mapped = await api.preview_import(good, mapping_spec({"Vorname": "first_name"}))
    assert mapped.columns[0].field == "first_name"
    assert mapped.rows[0].values["first_name"] == "Carol"
    assert (mapped.imported, mapped.merged, mapped.errors) == (1, 1, [])

    bad = b"First Name,Email\nDan,dan@example.org\nEve,not-an-address\n"
    checked = await api.preview_import(bad)
    assert [(e.row, e.field) for e in checked.errors] == [(3, "email")]
    with pytest.raises(ApiError) as rejected:
        await api.import_contacts(bad)
    assert rejected.value.code == "import_rejected"
    assert [(e.row, e.field) for e in row_errors(rejected.value.details)] == [(3, "email")]
    assert len(await api.contacts()) == 1

    result = await api.import_contacts(good, mapping_spec({"Vorname": "first_name"}))
    assert (result.imported, result.merged, result.total) == (1, 1, 2)
    saved = await api.export_contacts(tmp_path / "contacts.csv")
    assert b"carol@example.org" in saved.path.read_bytes()
    await api.delete_contact(bob.id)
    assert [c.get("email") for c in await api.contacts()] == ["carol@example.org"]
