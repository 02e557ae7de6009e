"""`admin info`: what is in the data directory, without showing anyone's data."""

from __future__ import annotations

import argparse

from server.admin.command import AdminCommand, AdminContext


def _arguments(parser: argparse.ArgumentParser) -> None:
    del parser  # no options


async def _run(context: AdminContext, args: argparse.Namespace) -> int:
    counts = await context.db.run(
        lambda conn: {
            "schema version": conn.execute("SELECT max(version) FROM schema_migrations").fetchone()[
                0
            ],
            "accounts": conn.execute("SELECT count(*) FROM users").fetchone()[0],
            "meetings": conn.execute("SELECT count(*) FROM meetings").fetchone()[0],
        }
    )
    print(f"data directory: {context.settings.data_dir}")
    for name, value in counts.items():
        print(f"{name}: {value}")
    return 0


COMMAND = AdminCommand(
    "info", "show the schema version and how many accounts and meetings exist", _arguments, _run
)
