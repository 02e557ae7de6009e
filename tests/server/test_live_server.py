"""The live server helper keeps the server's stderr for the report of a failing test."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.server.live_server import live_server


def test_a_server_that_cannot_start_shows_why(tmp_path: Path) -> None:
    config = tmp_path / "server.toml"
    config.write_text("[accounts]\nrequired_fields = ['shoe_size']\n")
    with (
        pytest.raises(RuntimeError, match="did not start") as raised,
        live_server(tmp_path / "data", "--config", str(config)),
    ):
        pass
    notes = "\n".join(getattr(raised.value, "__notes__", []))
    assert "podium-server stderr" in notes
    assert "unknown required field(s): shoe_size" in notes


def test_a_failure_inside_carries_the_servers_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (
        pytest.raises(AssertionError) as raised,
        live_server(tmp_path / "data", "--log-level", "INFO"),
    ):
        raise AssertionError("the test failed")
    notes = "\n".join(getattr(raised.value, "__notes__", []))
    assert "podium-server stderr" in notes
    # Printed as well, so pytest's captured stderr of the failing test holds it.
    assert "podium-server stderr" in capsys.readouterr().err
