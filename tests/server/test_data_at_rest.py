"""No personal data is readable in any file of the data directory without the key."""

from __future__ import annotations

from pathlib import Path

from aiohttp.test_utils import TestClient

from server.settings import Settings
from tests.server.conftest import bearer, login, register


def files_in(directory: Path) -> list[Path]:
    return [p for p in directory.rglob("*") if p.is_file()]


async def test_data_directory_holds_no_plaintext(client: TestClient, settings: Settings) -> None:
    await register(
        client,
        email="marker.person@example.org",
        username="markerperson",
        first_name="Zebedee",
        city="Quuxtown",
    )
    token = await login(client, "markerperson")
    await client.patch("/api/v1/me", headers=bearer(token), json={"company": "Plaintextcorp"})
    needles = [
        b"marker.person",
        b"markerperson",
        b"Zebedee",
        b"Quuxtown",
        b"Plaintextcorp",
        b"CREATE TABLE",
        b"SQLite format",
    ]
    files = files_in(settings.data_dir)
    assert any(p.name.endswith("-wal") for p in files)  # the WAL is checked too
    for path in files:
        content = path.read_bytes()
        for needle in needles:
            assert needle not in content, f"{needle!r} readable in {path.name}"
            assert needle.decode().encode("utf-16-le") not in content
