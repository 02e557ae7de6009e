"""The private aiortc, aioice and pylibsrtp names the SFU uses are checked once, at start."""

from __future__ import annotations

import logging
import sys
import types
from pathlib import Path

import aioice
import aiortc
import pylibsrtp
import pytest

from server.app import create_app
from server.cli import main
from server.settings import Settings
from server.sfu.internals import (
    EXPECTED_VERSIONS,
    IncompatibleMediaLibraries,
    check_internals,
    missing_internals,
)

PINNED = "aiortc==1.16.0, aioice==0.13.0, pylibsrtp==1.0.0"


def stand_in(module: types.ModuleType, **replaced: object) -> types.ModuleType:
    """A copy of a module with some of its names replaced, as another release could have."""
    copy = types.ModuleType(module.__name__)
    copy.__dict__.update(vars(module))
    copy.__dict__.update(replaced)
    return copy


def test_the_installed_libraries_have_every_name_and_the_pinned_versions(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    assert missing_internals(aiortc=aiortc, aioice=aioice, pylibsrtp=pylibsrtp) == []
    check_internals(aiortc=aiortc, aioice=aioice, pylibsrtp=pylibsrtp)
    assert caplog.records == []
    installed = {m.__name__: m.__version__ for m in (aiortc, aioice, pylibsrtp)}
    assert installed == EXPECTED_VERSIONS


def test_a_library_without_a_name_is_refused_naming_the_versions_expected() -> None:
    class Session:  # a pylibsrtp session that cannot protect
        pass

    srtp = stand_in(pylibsrtp, Session=Session, __version__="2.0.0")
    with pytest.raises(IncompatibleMediaLibraries) as refused:
        check_internals(aiortc=aiortc, aioice=aioice, pylibsrtp=srtp)
    message = str(refused.value)
    assert "pylibsrtp 2.0.0" in message and "pylibsrtp.Session.protect" in message
    assert message.endswith(PINNED)


def test_an_attribute_set_elsewhere_is_missed() -> None:
    class Connection(aioice.Connection):  # keeps its nominated pairs under another name
        def __init__(self) -> None:  # the names this version sets, but one
            self._selected: dict[int, object] = {}
            self._protocols = []

    ice = stand_in(aioice, Connection=Connection)
    assert [str(m) for m in missing_internals(aiortc=aiortc, aioice=ice, pylibsrtp=pylibsrtp)] == [
        "_nominated in aioice.Connection.__init__()"
    ]


def test_a_changed_version_with_every_name_only_warns(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING)
    check_internals(
        aiortc=aiortc, aioice=stand_in(aioice, __version__="0.13.1"), pylibsrtp=pylibsrtp
    )
    assert ["0.13.1" in r.getMessage() for r in caplog.records] == [True]


def test_the_server_refuses_to_start_with_a_library_it_does_not_fit(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pylibsrtp", stand_in(pylibsrtp, Session=object))
    with pytest.raises(IncompatibleMediaLibraries, match=PINNED):
        create_app(settings)


def test_podium_server_says_why_in_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pylibsrtp", stand_in(pylibsrtp, Session=object))
    with pytest.raises(SystemExit) as exited:
        main(["--data-dir", str(tmp_path / "data"), "--port", "0"])
    assert exited.value.code == 2
    error = capsys.readouterr().err
    assert error.startswith("podium-server: the media forwarder cannot run with the installed")
    assert PINNED in error and "Traceback" not in error
