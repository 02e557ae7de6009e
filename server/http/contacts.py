"""HTTP handlers for the address book: CRUD, CSV import (capped at 5 MB) and CSV export."""

from __future__ import annotations

from typing import Any

from aiohttp import BodyPartReader, MultipartReader, web
from aiohttp.http_exceptions import HttpProcessingError

from server.contacts.csv_import import MAX_BYTES
from server.contacts.service import ImportPreview, ImportResult
from server.errors import ApiError, validation_failed
from server.http.accounts import iso
from server.http.json_body import read_json_object
from server.http.middlewares import authenticated
from server.keys import CONTACTS, caller_of
from server.store.contacts import ContactRecord

routes = web.RouteTableDef()

CSV_TYPES = frozenset({"text/csv", "application/csv", "text/plain", "application/vnd.ms-excel"})
# Room for a multipart envelope (boundaries, part headers, a few small fields) around the file.
MULTIPART_SLACK = 64 * 1024
MAX_PARTS = 8
_MAX_ID = 2**63 - 1
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}


def contact_json(contact: ContactRecord) -> dict[str, Any]:
    return {
        "id": contact.id,
        **contact.fields,
        "created_at": iso(contact.created_at),
        "updated_at": iso(contact.updated_at),
    }


def _contact_id(request: web.Request) -> int:
    # Ids beyond SQLite's integer range cannot exist; they are simply not found.
    value = int(request.match_info["id"])
    if not 0 < value <= _MAX_ID:
        raise ApiError(404, "not_found", "no such contact")
    return value


def _too_large() -> ApiError:
    return ApiError(
        413, "payload_too_large", f"a CSV file may be at most {MAX_BYTES // (1024 * 1024)} MB"
    )


async def _read_capped(request: web.Request) -> bytes:
    """The raw body, at most MAX_BYTES: read from the stream, past the app-wide 1 MiB cap."""
    body = bytearray()
    async for chunk in request.content.iter_any():
        body.extend(chunk)
        if len(body) > MAX_BYTES:
            raise _too_large()
    return bytes(body)


async def _read_part(part: BodyPartReader, budget: int) -> bytes:
    data = bytearray()
    while chunk := await part.read_chunk():
        data.extend(chunk)
        if len(data) > budget:
            raise _too_large()
    return bytes(data)


async def _read_multipart(request: web.Request) -> bytes:
    """The one file part of a multipart/form-data upload."""
    try:
        reader = MultipartReader(request.headers, request.content)
        files: list[bytes] = []
        # The file may take MAX_BYTES; all parts together only a little more.
        budget = MAX_BYTES + MULTIPART_SLACK
        for _ in range(MAX_PARTS):
            part = await reader.next()
            if part is None:
                break
            if not isinstance(part, BodyPartReader):
                raise ApiError(400, "invalid_multipart", "nested multipart bodies are not read")
            data = await _read_part(part, min(MAX_BYTES, budget))
            budget -= len(data)
            if part.filename is not None or part.name == "file":
                files.append(data)
        else:
            raise ApiError(400, "invalid_multipart", f"at most {MAX_PARTS} parts")
    except (ValueError, HttpProcessingError) as exc:
        # aiohttp's multipart parser reports malformed input as either of these.
        raise ApiError(400, "invalid_multipart", "the multipart body cannot be read") from exc
    if len(files) != 1:
        raise ApiError(422, "one_file_expected", "send exactly one CSV file (a part named file)")
    return files[0]


async def read_csv_body(request: web.Request) -> bytes:
    """A CSV sent as the body (text/csv) or as the one file of a multipart upload."""
    kind = request.content_type
    multipart = kind == "multipart/form-data"
    if not multipart and kind not in CSV_TYPES:
        raise ApiError(
            415, "unsupported_media_type", "send the file as text/csv or multipart/form-data"
        )
    limit = MAX_BYTES + (MULTIPART_SLACK if multipart else 0)
    if request.content_length is not None and request.content_length > limit:
        raise _too_large()
    return await (_read_multipart(request) if multipart else _read_capped(request))


def _flag(request: web.Request, name: str) -> bool:
    raw = request.query.get(name, "false").strip().lower()
    if raw not in _BOOLEANS:
        raise validation_failed({name: "true or false"})
    return _BOOLEANS[raw]


def result_json(result: ImportResult) -> dict[str, Any]:
    return {
        "imported": result.imported,
        "merged": result.merged,
        "total": result.total,
        "rows": result.rows,
    }


def preview_json(preview: ImportPreview) -> dict[str, Any]:
    plan = preview.plan
    return {
        "dry_run": True,
        "encoding": plan.encoding,
        "delimiter": plan.delimiter,
        "columns": [{"header": c.header, "field": c.field} for c in plan.columns],
        "preview": plan.preview,
        "errors": [e.as_json() for e in plan.errors],
        "rows": plan.rows,
        "imported": preview.imported,
        "merged": preview.merged,
        "total": preview.total,
    }


@routes.get("/api/v1/contacts")
@authenticated
async def list_contacts(request: web.Request) -> web.Response:
    contacts = await request.app[CONTACTS].list(caller_of(request).user_id, request.query.get("q"))
    return web.json_response({"contacts": [contact_json(c) for c in contacts]})


@routes.post("/api/v1/contacts")
@authenticated
async def create_contact(request: web.Request) -> web.Response:
    data = await read_json_object(request)
    contact = await request.app[CONTACTS].create(caller_of(request).user_id, data)
    return web.json_response(contact_json(contact), status=201)


@routes.get("/api/v1/contacts/export")
@authenticated
async def export_contacts(request: web.Request) -> web.Response:
    body = await request.app[CONTACTS].export(caller_of(request).user_id)
    return web.Response(
        body=body,
        content_type="text/csv",
        charset="utf-8",
        headers={"Content-Disposition": 'attachment; filename="contacts.csv"'},
    )


@routes.post("/api/v1/contacts/import")
@authenticated
async def import_contacts(request: web.Request) -> web.Response:
    owner = caller_of(request).user_id
    dry_run = _flag(request, "dry_run")
    mapping = request.query.get("map")
    data = await read_csv_body(request)
    service = request.app[CONTACTS]
    if dry_run:
        return web.json_response(preview_json(await service.preview_import(owner, data, mapping)))
    return web.json_response(result_json(await service.import_csv(owner, data, mapping)))


@routes.get(r"/api/v1/contacts/{id:\d+}")
@authenticated
async def get_contact(request: web.Request) -> web.Response:
    contact = await request.app[CONTACTS].get(caller_of(request).user_id, _contact_id(request))
    return web.json_response(contact_json(contact))


@routes.patch(r"/api/v1/contacts/{id:\d+}")
@authenticated
async def update_contact(request: web.Request) -> web.Response:
    contact_id = _contact_id(request)
    data = await read_json_object(request)
    contact = await request.app[CONTACTS].update(caller_of(request).user_id, contact_id, data)
    return web.json_response(contact_json(contact))


@routes.delete(r"/api/v1/contacts/{id:\d+}")
@authenticated
async def delete_contact(request: web.Request) -> web.Response:
    await request.app[CONTACTS].delete(caller_of(request).user_id, _contact_id(request))
    return web.Response(status=204)
