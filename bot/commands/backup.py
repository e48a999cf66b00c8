"""`python -m bot backup PATH`: a consistent copy of the SQLite database while the bot runs
(SQLite's online backup API: pages are copied in steps and a write in between restarts the copy
of what changed, so the file is one committed state). PostgreSQL is backed up with its own tools
(`pg_dump`, see the README)."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from sqlalchemy import make_url

from bot.config import ConfigError, load_settings
from storage.files import PRIVATE_FILE

NAME = "backup"
HELP = "copy the SQLite database to PATH while the bot runs (PostgreSQL: use pg_dump, see README)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, help="the copy to write (must not exist)")


def run(args: argparse.Namespace) -> int:
    url = make_url(load_settings().DATABASE_URL)
    if url.get_backend_name() != "sqlite":
        raise ConfigError("backup: DATABASE_URL is PostgreSQL; use pg_dump (see the README's backups section)")
    source = Path(url.database or "")
    if not source.is_file():
        raise ConfigError(f"backup: no database at {source}")
    if args.path.exists():
        raise ConfigError(f"backup: {args.path} exists; name a new file")
    backup_sqlite(source, args.path)
    print(f"backed up {source} to {args.path}")
    return 0


def backup_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.touch(mode=PRIVATE_FILE)  # personal data: readable by the bot's user only
    with sqlite3.connect(source, timeout=30) as src, sqlite3.connect(target) as dst:
        src.backup(dst, pages=1024)
    dst.close()
    src.close()
