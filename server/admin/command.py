"""What an admin command is, and what it gets to work with."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from server.settings import Settings
from server.store.database import Database


@dataclass(frozen=True)
class AdminContext:
    settings: Settings
    db: Database


@dataclass(frozen=True)
class AdminCommand:
    """One `podium-server admin NAME` command; `run` returns the exit status."""

    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[AdminContext, argparse.Namespace], Awaitable[int]]
