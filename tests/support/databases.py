"""Test databases: a migrated SQLite file copied per test, and PostgreSQL (TEST_DATABASE_URL)
migrated once per session and emptied between tests. PostgreSQL being configured but unreachable
is an error, never a skip."""

from __future__ import annotations

import asyncio
import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import text

from storage.base import Base
from storage.db import create_engine, migrate_sync

import storage.all_models  # noqa: F401

PG_ENV = "TEST_DATABASE_URL"


def backends() -> list[str]:
    return ["sqlite", "postgresql"] if os.environ.get(PG_ENV) else ["sqlite"]


def sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    migrate_sync(f"sqlite+aiosqlite:///{path}")
    return path


def sqlite_copy(template: Path, target: Path) -> str:
    shutil.copy(template, target)
    return f"sqlite+aiosqlite:///{target}"


async def _reset_schema(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
    finally:
        await engine.dispose()


def postgres_empty() -> str:
    """TEST_DATABASE_URL with an empty public schema (no tables, no alembic_version)."""
    url = os.environ[PG_ENV]
    try:
        with ThreadPoolExecutor(1) as pool:  # fixtures may be set up inside a running loop
            pool.submit(asyncio.run, _reset_schema(url)).result()
    except Exception as exc:  # fail loudly: CI set the variable, so PostgreSQL must be there
        raise RuntimeError(f"{PG_ENV} is set but PostgreSQL is unreachable: {exc}") from exc
    return url


def postgres_migrated() -> str:
    url = postgres_empty()
    migrate_sync(url)
    return url


async def truncate_all(url: str) -> None:
    """Empty every table and restart its ids, as a new database would be. Only the tables that
    hold rows are emptied, by DELETE in dependency order: TRUNCATE gives each of the forty
    tables new files (about 0.35 s a test), a DELETE of the few a test filled takes 0.03 s.
    Rows then no longer lie in insertion order on disk, so a test that reads several rows says
    its ORDER BY, as the bot's own queries must."""
    tables = Base.metadata.sorted_tables
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            probe = " UNION ALL ".join(f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables)
            filled = set((await conn.execute(text(probe))).scalars())
            for table in reversed(tables):
                if table.name in filled:
                    await conn.execute(text(f'DELETE FROM "{table.name}"'))
            used = (
                await conn.execute(
                    text("SELECT sequencename FROM pg_sequences WHERE schemaname = 'public' AND last_value IS NOT NULL")
                )
            ).scalars()
            for sequence in used:
                await conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    finally:
        await engine.dispose()
