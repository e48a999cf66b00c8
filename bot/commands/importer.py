"""`python -m bot import sites FILE [--source NAME]`: load sites detected from space (GeoJSON or CSV,
see handlers/sites/importing.py and the README) as sites to verify. Bad rows are listed with their
line numbers on standard error and the rest load; a second import of the same file adds nothing.
Exit status 0 when every row loaded (or was known), 1 when some were bad."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone
from pathlib import Path

from bot.config import load_settings
from bot.geo import shared_geography
from handlers.sites.importing import import_sites, parse
from storage.db import create_engine, session_factory

NAME = "import"
HELP = "import sites detected from space (GeoJSON or CSV) as sites to verify"
SOURCE_LIMIT = 64


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["sites"], help="what to import")
    parser.add_argument("file", type=Path, help="a .geojson/.json or .csv file")
    parser.add_argument("--source", help="the monitoring programme the file comes from (default: the file's name)")


async def run(args: argparse.Namespace) -> int:
    source = (args.source or args.file.stem).strip()
    if not source or len(source) > SOURCE_LIMIT:
        print(f"--source must be 1 to {SOURCE_LIMIT} characters", file=sys.stderr)
        return 2
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"cannot read {args.file}: {exc}", file=sys.stderr)
        return 2
    parsed = parse(text, args.file.name)
    engine = create_engine(load_settings().DATABASE_URL)
    try:
        async with session_factory(engine)() as session, session.begin():
            result = await import_sites(session, shared_geography(), parsed.rows, source, datetime.now(timezone.utc))
    finally:
        await engine.dispose()
    errors = sorted(parsed.errors + result.errors)
    for line, problem in errors:
        print(f"{args.file.name}:{line}: {problem}", file=sys.stderr)
    print(f"{result.added} sites to verify added, {result.known} already imported, {len(errors)} bad rows ({source})")
    return 1 if errors else 0
