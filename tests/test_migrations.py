"""Migrations stay one line, and every revision can be undone.

Two features built side by side may each add a revision on the same head; after merging, Alembic
has two heads and `upgrade head` refuses to run. `test_one_head` catches that before a deploy does
(the README says how to mend it). The stairway walks every revision: upgrade r, downgrade to r-1,
upgrade r again, and at the end down to base one revision at a time, comparing the schema at each
step. Revisions are read from storage/migrations, so a new one is walked without touching this file.
"""

from __future__ import annotations

import ast
import asyncio
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import Script, ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import MIGRATIONS_DIR, alembic_config, create_engine
from tests.support import databases

Schema = dict[str, dict[str, list[str]]]


def revisions() -> list[Script]:
    """Every revision, oldest first."""
    return list(reversed(list(ScriptDirectory(str(MIGRATIONS_DIR)).walk_revisions("base", "heads"))))


def test_revision_ids_are_unique() -> None:
    """Two branches that both took the next number: Alembic would keep one file and ignore the other."""
    ids = Counter(revision_id(path) for path in (MIGRATIONS_DIR / "versions").glob("*.py"))
    taken_twice = sorted(rid for rid, n in ids.items() if n > 1)
    assert not taken_twice, (
        f"revision ids {taken_twice} are used by more than one file: renumber the later migration "
        "(file name, revision, down_revision); see «Migrations» in the README."
    )


def revision_id(path: Path) -> str:
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "revision" for t in node.targets):
            return ast.literal_eval(node.value)
    raise AssertionError(f"{path.name} has no `revision = ...`")


def test_one_head() -> None:
    heads = ScriptDirectory(str(MIGRATIONS_DIR)).get_heads()
    assert len(heads) == 1, (
        f"Alembic has {len(heads)} heads {sorted(heads)}: two migrations were added side by side. "
        "Point the later one's down_revision at the other (or run `alembic merge`), then run "
        "tests/test_migrations.py; see «Migrations» in the README."
    )


@pytest.fixture(params=databases.backends())
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'stairway.db'}"
        return
    try:
        yield databases.postgres_empty()
    finally:  # the other tests share this database: leave it migrated, as they expect
        databases.postgres_migrated()


def test_stairway(empty_database: str) -> None:
    config = alembic_config(empty_database)
    steps = revisions()
    assert steps and steps[0].down_revision is None, "no line of revisions down to base found"
    after: list[Schema] = []  # the schema once each revision is applied
    for revision in steps:
        command.upgrade(config, revision.revision)
        after.append(schema(empty_database))
        command.downgrade(config, "-1")
        command.upgrade(config, revision.revision)
        assert schema(empty_database) == after[-1], f"{revision.revision}: down and up again differs"

    for index in range(len(steps) - 1, 0, -1):
        command.downgrade(config, "-1")
        assert schema(empty_database) == after[index - 1], (
            f"downgrading {steps[index].revision} does not give back {steps[index - 1].revision}'s schema"
        )
    command.downgrade(config, "-1")
    assert set(schema(empty_database)) <= {"alembic_version"}, "tables left after downgrading to base"


def schema(url: str) -> Schema:
    """Tables with their columns and indexes: what a migration adds and its downgrade removes."""

    def read(connection: Connection) -> Schema:
        inspector = inspect(connection)
        return {
            table: {
                "columns": sorted(c["name"] for c in inspector.get_columns(table)),
                "indexes": sorted(i["name"] or "" for i in inspector.get_indexes(table)),
                "foreign_keys": sorted(f["referred_table"] for f in inspector.get_foreign_keys(table)),
            }
            for table in inspector.get_table_names()
        }

    async def run() -> Schema:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(read)
        finally:
            await engine.dispose()

    return asyncio.run(run())
