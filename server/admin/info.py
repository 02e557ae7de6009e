"""`admin info`: what is in the data directory, without showing anyone's data."""

from __future__ import annotations

import argparse

from server.admin.command import AdminCommand, AdminContext
from server.store.summary import SummaryStore


def _arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    summary = await SummaryStore(context.db).summary()
    print(f"data directory: {context.settings.data_dir}")
    print(f"schema version: {summary.schema_version}")
    print(f"accounts: {summary.accounts}")
    print(f"meetings: {summary.meetings}")
    return 0


COMMAND = AdminCommand(
    "info", "show the schema version and how many accounts and meetings exist", _arguments, _run
)
