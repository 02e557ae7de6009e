"""The last login per server, kept in the config folder as plain JSON."""

from __future__ import annotations

import json
from pathlib import Path

from app.core.last_login import MAX_SERVERS, LastLoginFile


def test_each_server_remembers_its_own_login_across_instances(tmp_path: Path) -> None:
    LastLoginFile(tmp_path).save("https://a.example.org", " ada ")
    LastLoginFile(tmp_path).save("http://127.0.0.1:8443", "grace@example.org")
    again = LastLoginFile(tmp_path)
    assert again.load("https://a.example.org") == "ada"
    assert again.load("http://127.0.0.1:8443") == "grace@example.org"
    assert again.load("https://unknown.example.org") == ""
    # Only logins: no token, no password, nothing else.
    assert json.loads(again.path.read_text()) == {
        "servers": {"https://a.example.org": "ada", "http://127.0.0.1:8443": "grace@example.org"}
    }


def test_only_the_most_recent_servers_are_kept(tmp_path: Path) -> None:
    file = LastLoginFile(tmp_path)
    for n in range(MAX_SERVERS + 5):
        file.save(f"https://s{n}.example.org", f"user{n}")
    file.save("https://s0.example.org", "back")  # used again: kept, as the newest
    kept = json.loads(file.path.read_text())["servers"]
    assert len(kept) == MAX_SERVERS and list(kept)[-1] == "https://s0.example.org"
    assert file.load("https://s1.example.org") == ""
    assert file.load("https://s0.example.org") == "back"


def test_a_damaged_file_remembers_nothing_and_is_replaced(tmp_path: Path) -> None:
    file = LastLoginFile(tmp_path)
    file.path.write_text("{not json")
    assert file.load("https://a.example.org") == ""
    file.path.write_text('{"servers": {"https://a.example.org": 5}}')
    assert file.load("https://a.example.org") == ""
    file.save("https://a.example.org", "ada")
    assert file.load("https://a.example.org") == "ada"
