"""Migration 0004: the report drafts of 0003 (`report_drafts`, one per user) become drafts of the
form "report" in `form_drafts`, and come back on the way down, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import inspect, text

from storage.db import MIGRATIONS_DIR, create_engine, migrate_sync
from tests.support import databases

WHEN = datetime(2026, 3, 1, 9, 30, tzinfo=timezone.utc)
HALF_DONE = {"photos": [{"sha256": "ab" * 32, "path": "photos/a.jpg"}], "region": "KZ-71", "lat": 51.1, "lon": 71.4}


@pytest.fixture(params=databases.backends())
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'drafts.db'}"
        return
    url = os.environ[databases.PG_ENV]
    asyncio.run(databases._reset_schema(url))
    try:
        yield url
    finally:  # the other tests share this database and expect it migrated
        databases.postgres_migrated()


def run_sql(url: str, *statements: tuple[str, dict[str, Any]]) -> list[list[tuple]]:
    async def run() -> list[list[tuple]]:
        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                results = []
                for sql, params in statements:
                    result = await conn.execute(text(sql), params)
                    results.append([tuple(row) for row in result] if result.returns_rows else [])
                return results
        finally:
            await engine.dispose()

    return asyncio.run(run())


def tables(url: str) -> set[str]:
    async def run() -> set[str]:
        engine = create_engine(url)
        try:
            async with engine.connect() as conn:
                return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
        finally:
            await engine.dispose()

    return asyncio.run(run())


def as_json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def downgrade(url: str, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.downgrade(config, revision)


def test_report_drafts_are_carried_over_and_back(empty_database: str) -> None:
    url = empty_database
    migrate_sync(url, "0003")
    users = "INSERT INTO users (id, created_at) VALUES (:id, :at)"
    draft = "INSERT INTO report_drafts (user_id, data, updated_at) VALUES (:id, :data, :at)"
    run_sql(
        url,
        (users, {"id": 1, "at": WHEN}),
        (users, {"id": 2, "at": WHEN}),
        (draft, {"id": 1, "data": json.dumps(HALF_DONE), "at": WHEN}),
        (draft, {"id": 2, "data": json.dumps({"photos": []}), "at": WHEN}),
    )

    migrate_sync(url, "0004")
    assert "report_drafts" not in tables(url) and "form_drafts" in tables(url)
    [rows] = run_sql(url, ("SELECT user_id, form, data, updated_at FROM form_drafts ORDER BY user_id", {}))
    assert [(r[0], r[1], as_json(r[2])) for r in rows] == [(1, "report", HALF_DONE), (2, "report", {"photos": []})]
    assert str(rows[0][3]).startswith("2026-03-01 09:30")
    # Another form's draft beside the report's; a user's drafts go with the user.
    run_sql(
        url,
        ("INSERT INTO form_drafts (user_id, form, data, updated_at) VALUES (1, 'event', :data, :at)", {"data": "{}", "at": WHEN}),
        ("DELETE FROM users WHERE id = 2", {}),
    )
    [left] = run_sql(url, ("SELECT user_id, form FROM form_drafts ORDER BY form", {}))
    assert left == [(1, "event"), (1, "report")]

    downgrade(url, "0003")
    assert "form_drafts" not in tables(url) and "report_drafts" in tables(url)
    [back] = run_sql(url, ("SELECT user_id, data FROM report_drafts", {}))
    assert [(r[0], as_json(r[1])) for r in back] == [(1, HALF_DONE)]  # the event draft has nowhere to go
    migrate_sync(url)  # and up again to head
    assert "form_drafts" in tables(url)
