"""SQLite statements take one trip to aiosqlite's thread each (storage.sqlite_one_trip), with the
rows, counts and errors SQLAlchemy expects."""

from __future__ import annotations

from pathlib import Path

import aiosqlite
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from storage.db import create_engine


@pytest.fixture
async def engine(tmp_path: Path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'one.db'}")
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT UNIQUE)"))
    yield engine
    await engine.dispose()


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The calls made in aiosqlite's thread, by name."""
    made: list[str] = []
    real = aiosqlite.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        made.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return made


async def test_a_statement_with_rows_is_one_trip(engine, trips: list[str]) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO things (name) VALUES ('a'), ('b'), ('c')"))
        trips.clear()
        rows = (await conn.execute(text("SELECT name FROM things ORDER BY name"))).all()
        assert [name for (name,) in rows] == ["a", "b", "c"]
        assert len(trips) == 1


async def test_counts_and_the_new_row_id_come_back(engine) -> None:
    async with engine.begin() as conn:
        inserted = await conn.execute(text("INSERT INTO things (name) VALUES ('a')"))
        assert inserted.lastrowid == 1
        await conn.execute(text("INSERT INTO things (name) VALUES (:name)"), [{"name": "b"}, {"name": "c"}])
        changed = await conn.execute(text("UPDATE things SET name = name || '!' WHERE id > 1"))
        assert changed.rowcount == 2
        assert (await conn.scalar(text("SELECT count(*) FROM things WHERE name LIKE '%!'"))) == 2


async def test_an_error_in_the_thread_is_sqlalchemys_and_the_connection_goes_on(engine) -> None:
    async with engine.begin() as conn:
        await conn.execute(text("INSERT INTO things (name) VALUES ('a')"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO things (name) VALUES ('a')"))
    async with engine.connect() as conn:
        assert await conn.scalar(text("SELECT count(*) FROM things")) == 1
