"""CSV import (all rows or none, common exports, merging, limits) and safe CSV export."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
from aiohttp.test_utils import TestClient

from server.contacts.csv_import import MAX_BYTES, MAX_ROWS, decode, header_key, sniff_delimiter
from tests.server.privacy.test_contacts import contacts_of, create, error_of, two_users

CSV = {"Content-Type": "text/csv"}

GOOGLE = (
    "First Name,Middle Name,Last Name,Nickname,E-mail 1 - Label,E-mail 1 - Value,"
    "Phone 1 - Label,Phone 1 - Value,Organization Name,Organization Title,Notes\r\n"
    "Ada,,Lovelace,,* Home,ada@example.org ::: ada@work.example,Mobile,+44 20 7946 0001,"
    "Analytical Engines,Analyst,\"Met at the\nRoyal Society\"\r\n"
)
GOOGLE_OLD = (
    "Name,Given Name,Family Name,E-mail 1 - Value,Phone 1 - Value,Organization 1 - Name,"
    "Organization 1 - Title,Notes\n"
    "Grace Hopper,Grace,Hopper,grace@navy.example,+1 202 555 0100,US Navy,Rear Admiral,COBOL\n"
)
OUTLOOK = (
    "Title,First Name,Middle Name,Last Name,Suffix,Company,Department,Job Title,"
    "Business Phone,Home Phone,Mobile Phone,E-mail Address,E-mail 2 Address,Notes\r\n"
    "Dr.,Katherine,,Johnson,,NASA,Flight Research,Mathematician,+1 757 555 0101,,,"
    "kj@nasa.example,,Trajectories\r\n"
)


async def import_csv(
    client: TestClient, auth: dict[str, str], body: bytes | str, **params: str
) -> Any:
    data = body.encode() if isinstance(body, str) else body
    return await client.post(
        "/api/v1/contacts/import", data=data, params=params, headers={**auth, **CSV}
    )


async def imported(
    client: TestClient, auth: dict[str, str], body: bytes | str, **params: str
) -> dict[str, Any]:
    response = await import_csv(client, auth, body, **params)
    assert response.status == 200, await response.text()
    return await response.json()


def fields(contact: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in contact.items() if k not in ("id", "created_at", "updated_at")}


async def test_google_contacts_export_is_mapped(client: TestClient) -> None:
    alice, _ = await two_users(client)
    assert await imported(client, alice, GOOGLE) == {
        "imported": 1, "merged": 0, "total": 1, "rows": 1,
    }
    await imported(client, alice, GOOGLE_OLD)
    grace, ada = await contacts_of(client, alice)  # by last name
    assert fields(ada) == {
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
        "phone": "+44 20 7946 0001", "company": "Analytical Engines", "title": "Analyst",
        "notes": "Met at the\nRoyal Society",
    }
    assert fields(grace) == {
        "first_name": "Grace", "last_name": "Hopper", "email": "grace@navy.example",
        "phone": "+1 202 555 0100", "company": "US Navy", "title": "Rear Admiral",
        "notes": "COBOL",
    }


async def test_outlook_export_is_mapped_and_its_title_column_is_not_the_job(
    client: TestClient,
) -> None:
    alice, _ = await two_users(client)
    await imported(client, alice, OUTLOOK)
    [katherine] = await contacts_of(client, alice)
    assert fields(katherine) == {
        "first_name": "Katherine", "last_name": "Johnson", "email": "kj@nasa.example",
        "phone": "+1 757 555 0101", "company": "NASA", "title": "Mathematician",
        "notes": "Trajectories",
    }


async def test_bom_semicolons_and_latin1(client: TestClient) -> None:
    alice, _ = await two_users(client)
    text = "Vorname;Last Name;E-MAIL address;first_name\nignored;Müller;jm@example.de;Jürgen\n"
    body = codecs.BOM_UTF8 + text.encode("utf-8")
    preview = await imported(client, alice, body, dry_run="true")
    assert preview["encoding"] == "utf-8-sig" and preview["delimiter"] == ";"
    assert preview["columns"] == [
        {"header": "Vorname", "field": None},
        {"header": "Last Name", "field": "last_name"},
        {"header": "E-MAIL address", "field": "email"},
        {"header": "first_name", "field": "first_name"},
    ]
    await imported(client, alice, body)
    latin1 = "First Name,Last Name,Email,Company\nZoë,Brontë,zoe@example.fr,Café Crème\n"
    await imported(client, alice, latin1.encode("latin-1"))
    names = [
        (c["first_name"], c["last_name"], c["company"]) for c in await contacts_of(client, alice)
    ]
    assert names == [("Zoë", "Brontë", "Café Crème"), ("Jürgen", "Müller", None)]


async def test_a_bad_row_rejects_the_whole_file_with_a_report(client: TestClient) -> None:
    alice, _ = await two_users(client)
    before = await create(client, alice, first_name="Kept", email="kept@example.org")
    body = (
        "First Name,Last Name,E-mail Address,Mobile Phone,Notes\n"
        "Good,Row,good@example.org,,\n"
        "Kept,,KEPT@example.org,+49 30 1234567,would be merged\n"
        ",,not-an-address,call me,\n"
        ",,,,only notes\n"
        "\n"
        "Also,Good,also@example.org,,\n"
    )
    error = await error_of(await import_csv(client, alice, body), 422)
    assert error["code"] == "import_rejected"
    assert error["rows"] == [
        {"row": 4, "field": "email", "message": "not a valid e-mail address"},
        {"row": 4, "field": "phone", "message": "digits, spaces and + ( ) - . / only"},
        {"row": 5, "field": None, "message": "give a name or an e-mail address"},
    ]
    assert await contacts_of(client, alice) == [before]  # nothing added, nothing merged

    preview = await imported(client, alice, body, dry_run="1")
    assert preview["errors"] == error["rows"] and preview["rows"] == 5
    assert await contacts_of(client, alice) == [before]


async def test_duplicates_merge_by_email_filling_only_empty_fields(client: TestClient) -> None:
    alice, _ = await two_users(client)
    await create(client, alice, first_name="Ada", email="ada@example.org", phone="+44 1")
    body = (
        "first_name,last_name,email,phone,company\n"
        "Augusta,Lovelace,ADA@example.org,+44 2222,Engines Ltd\n"
        "Grace,,grace@navy.example,,\n"
        "Gracie,Hopper,Grace@Navy.Example,+1 555 0100,\n"
        "Ada,,,,\n"
        "Ada,,,,\n"
    )
    preview = await imported(client, alice, body, dry_run="true")
    assert (preview["imported"], preview["merged"], preview["total"]) == (3, 2, 4)
    assert await imported(client, alice, body) == {
        "imported": 3, "merged": 2, "total": 4, "rows": 5,
    }
    by_email = {c["email"]: c for c in await contacts_of(client, alice)}
    ada = by_email["ada@example.org"]
    assert (ada["first_name"], ada["last_name"], ada["phone"], ada["company"]) == (
        "Ada", "Lovelace", "+44 1", "Engines Ltd",
    )
    grace = by_email["grace@navy.example"]
    assert (grace["first_name"], grace["last_name"], grace["phone"]) == (
        "Grace", "Hopper", "+1 555 0100",
    )
    assert len(by_email) == 3  # Ada's and Grace's addresses, and None for the two plain "Ada"s
    # Importing the same file again adds nothing new with an address.
    again = await imported(client, alice, body)
    assert (again["imported"], again["merged"]) == (2, 3)


async def test_dry_run_previews_mapping_and_rows_without_storing(client: TestClient) -> None:
    alice, _ = await two_users(client)
    rows = "".join(f"Person {i},p{i}@example.org\n" for i in range(30))
    preview = await imported(client, alice, "Full Name,Mail\n" + rows, dry_run="true")
    assert preview["dry_run"] is True and preview["rows"] == 30
    assert preview["columns"] == [
        {"header": "Full Name", "field": "first_name"}, {"header": "Mail", "field": "email"},
    ]
    assert len(preview["preview"]) == 20
    assert preview["preview"][0] == {
        "row": 2, "values": {"first_name": "Person 0", "email": "p0@example.org"},
    }
    assert (preview["imported"], preview["merged"], preview["errors"]) == (30, 0, [])
    assert await contacts_of(client, alice) == []


async def test_explicit_column_mapping(client: TestClient) -> None:
    alice, _ = await two_users(client)
    body = "Vorname,Nachname,E-Mail-Adresse,Notes\nJürgen,Müller,jm@example.de,secret\n"
    mapping = "Vorname:first_name,Nachname:last_name,E-Mail-Adresse:email,notes:ignore"
    await imported(client, alice, body, map=mapping)
    [contact] = await contacts_of(client, alice)
    assert (contact["first_name"], contact["last_name"], contact["notes"]) == (
        "Jürgen", "Müller", None,
    )
    for bad in ("Vorname", "Vorname:nickname", "Nowhere:email"):
        error = await error_of(await import_csv(client, alice, body, map=bad), 422)
        assert error["code"] == "invalid_mapping"


async def test_multipart_upload_with_one_file_part(client: TestClient) -> None:
    alice, _ = await two_users(client)
    form = aiohttp.FormData()
    form.add_field("note", "from the import dialog")
    form.add_field("file", OUTLOOK.encode(), filename="contacts.csv", content_type="text/csv")
    response = await client.post("/api/v1/contacts/import", data=form, headers=alice)
    assert response.status == 200, await response.text()
    assert (await response.json())["imported"] == 1

    empty = aiohttp.FormData(default_to_multipart=True)
    empty.add_field("note", "no file here")
    response = await client.post("/api/v1/contacts/import", data=empty, headers=alice)
    assert (await error_of(response, 422))["code"] == "one_file_expected"

    big = aiohttp.FormData()
    big.add_field("file", b"email\n" + b"x" * MAX_BYTES, filename="big.csv")
    response = await client.post("/api/v1/contacts/import", data=big, headers=alice)
    assert (await error_of(response, 413))["code"] == "payload_too_large"

    garbled = {**alice, "Content-Type": "multipart/form-data; boundary=xyz"}
    for body in (b"not multipart at all", b"--xyz\r\nbroken"):
        response = await client.post("/api/v1/contacts/import", data=body, headers=garbled)
        assert response.status in (400, 422), await response.text()
    assert len(await contacts_of(client, alice)) == 1


async def test_files_that_cannot_be_read(client: TestClient) -> None:
    alice, _ = await two_users(client)
    cases = {
        b"": "empty_file",
        b"\n\n": "empty_file",
        b"colour,size\nred,XL\n": "no_known_columns",
        codecs.BOM_UTF8 + b"email\n\xff\xfe@x.org\n": "invalid_encoding",
    }
    for body, code in cases.items():
        assert (await error_of(await import_csv(client, alice, body), 422))["code"] == code
    response = await client.post(
        "/api/v1/contacts/import", data=b"email\n", headers={**alice, "Content-Type": "image/png"}
    )
    assert (await error_of(response, 415))["code"] == "unsupported_media_type"
    bad_flag = await import_csv(client, alice, "email\n", dry_run="perhaps")
    assert "dry_run" in (await error_of(bad_flag, 422))["fields"]
    assert await contacts_of(client, alice) == []


async def test_more_than_5_mb_is_refused(client: TestClient) -> None:
    alice, _ = await two_users(client)
    row = b"Someone,someone@example.org,padding padding padding padding padding padding\n"
    body = b"first_name,email,notes\n" + row * (MAX_BYTES // len(row) + 1)
    assert len(body) > MAX_BYTES
    error = await error_of(await import_csv(client, alice, body), 413)
    assert error["code"] == "payload_too_large"

    async def chunks() -> AsyncIterator[bytes]:
        # No Content-Length: the server counts as it reads.
        for start in range(0, len(body), 256 * 1024):
            yield body[start : start + 256 * 1024]

    response = await client.post(
        "/api/v1/contacts/import", data=chunks(), headers={**alice, **CSV}
    )
    await error_of(response, 413)
    assert await contacts_of(client, alice) == []

    # Just under the cap is fine, well past the app's 1 MiB cap for JSON bodies.
    fits = b"first_name,email,notes\n" + b"".join(
        b"P%d,p%d@example.org,%s\n" % (i, i, b"x" * 400) for i in range(MAX_ROWS)
    )
    assert 1024 * 1024 < len(fits) <= MAX_BYTES
    assert (await imported(client, alice, fits))["imported"] == MAX_ROWS


async def test_more_than_10000_rows_is_refused(client: TestClient) -> None:
    alice, _ = await two_users(client)
    rows = "".join(f"P{i},p{i}@example.org\n" for i in range(MAX_ROWS + 1))
    error = await error_of(await import_csv(client, alice, "first_name,email\n" + rows), 413)
    assert error["code"] == "too_many_rows"
    assert await contacts_of(client, alice) == []


FORMULAS = {
    "first_name": "=cmd|' /C calc'!A0",
    "last_name": "@SUM(A1:A9)",
    "company": "+1",
    "title": "-2",
    "notes": "\tindented",
}


async def export_of(client: TestClient, auth: dict[str, str]) -> bytes:
    response = await client.get("/api/v1/contacts/export", headers=auth)
    assert response.status == 200, await response.text()
    assert response.content_type == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    return await response.read()


async def test_export_neutralises_formula_cells(client: TestClient) -> None:
    alice, bob = await two_users(client)
    await create(client, alice, email="=evil@example.org", **FORMULAS)
    await create(client, alice, first_name="Carriage", notes="\rreturn")
    await create(client, alice, first_name="Plain", phone="+44 20 7946 0002")
    await create(client, bob, first_name="Bobs Friend")
    body = await export_of(client, alice)
    assert body.startswith(codecs.BOM_UTF8)
    rows = list(csv.DictReader(io.StringIO(body[3:].decode("utf-8"), newline="")))
    assert list(rows[0]) == ["first_name", "last_name", "email", "phone", "company", "title",
                             "notes"]
    by_name = {row["first_name"]: row for row in rows}
    assert "Bobs Friend" not in body.decode("utf-8-sig")  # only the caller's own contacts
    evil = by_name["'=cmd|' /C calc'!A0"]
    assert evil == {
        "first_name": "'=cmd|' /C calc'!A0", "last_name": "'@SUM(A1:A9)",
        "email": "'=evil@example.org", "phone": "", "company": "'+1", "title": "'-2",
        "notes": "'\tindented",
    }
    assert by_name["Carriage"]["notes"] == "'\rreturn"
    assert by_name["Plain"]["phone"] == "'+44 20 7946 0002"
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r"))


async def test_export_imports_back_unchanged(client: TestClient) -> None:
    alice, bob = await two_users(client)
    await create(client, alice, email="=evil@example.org", **FORMULAS)
    await create(client, alice, first_name="Zoë", phone="+44 20 7946 0002", notes="a\nb, \"c\"")
    await create(client, alice, last_name="Only")
    exported = await export_of(client, alice)
    assert (await imported(client, bob, exported))["imported"] == 3
    mine = [fields(c) for c in await contacts_of(client, alice)]
    theirs = [fields(c) for c in await contacts_of(client, bob)]
    assert theirs == mine
    assert await export_of(client, bob) == exported


def test_header_keys_ignore_case_spaces_and_punctuation() -> None:
    assert header_key(" E-mail 1 - Value ") == "email1value"
    assert header_key("first_name") == header_key("First Name") == "firstname"


def test_delimiter_and_encoding_detection() -> None:
    assert sniff_delimiter('"Name; with semicolon",Email\n') == ","
    assert sniff_delimiter("Name;Email;Phone\n") == ";"
    assert sniff_delimiter("Name\tEmail\n") == "\t"
    assert sniff_delimiter("Email\n") == ","
    assert decode("Zoë".encode()) == ("Zoë", "utf-8")
    assert decode("Zoë".encode("latin-1")) == ("Zoë", "windows-1252")
    assert decode("€".encode("cp1252")) == ("€", "windows-1252")
    assert decode(b"\x81") == ("\x81", "latin-1")
    assert decode(codecs.BOM_UTF16_LE + "Zoë".encode("utf-16-le")) == ("Zoë", "utf-16")
