"""Finds files in the project's resources/ folder, from a checkout or a PyInstaller bundle."""

from __future__ import annotations

import logging
import sys
from pathlib import Path

_log = logging.getLogger(__name__)


def resources_dir() -> Path:
    """resources/ next to the packages, or inside the unpacked bundle when frozen."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"


def resource_path(name: str) -> Path | None:
    """The path of a resource if it exists."""
    path = resources_dir() / name
    return path if path.is_file() else None


def read_resource(name: str) -> str:
    """A text resource, or "" (with a logged warning) when it is missing: the app still runs."""
    path = resource_path(name)
    if path is None:
        _log.warning("resource %s not found in %s", name, resources_dir())
        return ""
    return path.read_text(encoding="utf-8")
