"""Parse `podium-server admin ...` and run the command with the store open."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

from server.admin import (
    info,
    pending_deletions,
    publish_policy,
    purge_deleted,
    reset_link,
    roles,
    send_newsletter,
)
from server.admin.command import AdminCommand, AdminContext
from server.settings import Settings
from server.store.database import Database
from server.store.keystore import database_path, load_or_create_key

# Each admin command module exports COMMAND; list it here to make it available.
COMMANDS: tuple[AdminCommand, ...] = (
    info.COMMAND,
    publish_policy.COMMAND,
    send_newsletter.COMMAND,
    purge_deleted.COMMAND,
    pending_deletions.COMMAND,
    reset_link.COMMAND,
    *roles.COMMANDS,
)


def add_admin_parser(subparsers: argparse._SubParsersAction) -> None:
    admin = subparsers.add_parser("admin", help="operator commands (run `admin -h` for the list)")
    commands = admin.add_subparsers(dest="admin_command", required=True, metavar="COMMAND")
    for command in COMMANDS:
        command.add_arguments(commands.add_parser(command.name, help=command.help))


async def run_admin(settings: Settings, args: argparse.Namespace) -> int:
    command = next(c for c in COMMANDS if c.name == args.admin_command)
    if not database_path(settings.data_dir).exists():
        raise FileNotFoundError(f"no Podium database in {settings.data_dir}")
    key = load_or_create_key(Path(settings.data_dir), use_keyring=settings.key_source == "auto")
    db = await Database.open(database_path(settings.data_dir), key.key)
    try:
        return await command.run(AdminContext(settings, db), args)
    finally:
        await db.close()


def main_admin(settings: Settings, args: argparse.Namespace) -> int:
    return asyncio.run(run_admin(settings, args))
