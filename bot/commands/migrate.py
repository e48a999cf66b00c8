"""Apply the database migrations (the bot also does it at start-up)."""

import argparse

from bot.config import load_settings
from storage.db import migrate_sync

NAME = "migrate"
HELP = "apply the database migrations (Alembic) up to the newest"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--revision", default="head", help="migrate to this revision (default: head)")


def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    migrate_sync(settings.DATABASE_URL, args.revision)
    print(f"database at {args.revision}: {settings.DATABASE_URL.split('@')[-1]}")
    return 0
