"""The server choice: URL validation and the JSON settings file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.client_settings import (
    SETTINGS_FILE,
    ClientSettings,
    ServerMode,
    SettingsFile,
    validate_server_url,
)


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("https://podium.example.org", "https://podium.example.org"),
        ("  HTTPS://Podium.Example.org/ ", "https://podium.example.org"),
        ("http://10.0.0.5:8443", "http://10.0.0.5:8443"),
        ("https://example.org/podium/", "https://example.org/podium"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_valid_urls_are_normalised(typed: str, expected: str) -> None:
    assert validate_server_url(typed) == expected


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "podium.example.org",
        "ftp://podium.example.org",
        "https://",
        "https://host:99999",
        "https://user:pw@host",
        "https://host/?q=1",
        "https://ho st",
    ],
)
def test_invalid_urls_are_refused_with_a_reason(typed: str) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        validate_server_url(typed)


def test_first_start_has_no_settings(tmp_path: Path) -> None:
    assert SettingsFile(tmp_path / "config").load() is None


def test_choice_round_trips_through_json(tmp_path: Path) -> None:
    file = SettingsFile(tmp_path / "config")
    remote = ClientSettings(ServerMode.REMOTE, "https://podium.example.org")
    file.save(remote)
    assert json.loads(file.path.read_text()) == {
        "server": "remote",
        "server_url": "https://podium.example.org",
        "share_on_network": False,
    }
    assert file.load() == remote
    file.save(ClientSettings())
    assert file.load() == ClientSettings(ServerMode.BUNDLED)
    shared = ClientSettings(ServerMode.BUNDLED, share_on_network=True)
    file.save(shared)
    assert file.load() == shared
    assert [p.name for p in file.path.parent.iterdir()] == [SETTINGS_FILE]


@pytest.mark.parametrize(
    "content",
    [
        "{",
        "[]",
        '{"server": "moon"}',
        '{"server": "remote", "server_url": "x"}',
        '{"server": "bundled", "share_on_network": "yes"}',
    ],
)
def test_damaged_settings_bring_back_the_first_start_choice(tmp_path: Path, content: str) -> None:
    file = SettingsFile(tmp_path)
    file.path.write_text(content)
    assert file.load() is None
