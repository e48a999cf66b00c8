"""PostgreSQL connections are pinged before use only after sitting idle (storage.db.ping_when_idle):
a connection that the server dropped while it was idle is replaced, not handed to a step, and a
connection used a moment ago costs no ping."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from storage.db import IDLE_PING_AFTER, create_engine, ping_when_idle
from tests.support import databases

pytestmark = pytest.mark.skipif(not databases.backends()[1:], reason="PostgreSQL only (TEST_DATABASE_URL)")


async def backend_pid(engine) -> int:
    async with engine.connect() as conn:
        return await conn.scalar(text("SELECT pg_backend_pid()"))


def counted_pings(engine) -> list[str]:
    """The statements the server saw that were pings (asyncpg's ping is the empty statement)."""
    seen: list[str] = []
    real = engine.dialect.do_ping

    def do_ping(dbapi_connection) -> bool:
        seen.append("ping")
        return real(dbapi_connection)

    engine.dialect.do_ping = do_ping
    return seen


async def test_a_connection_dropped_while_idle_is_replaced_before_use_on_postgresql(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    ping_when_idle(engine, 0.0)  # as if every checkin was long ago
    pings = counted_pings(engine)
    try:
        first = await backend_pid(engine)
        admin = create_engine(postgres_url)
        async with admin.begin() as conn:  # as when the server restarts
            await conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
        await admin.dispose()

        async with engine.connect() as conn:  # no error: the ping failed and a new one came
            assert await conn.scalar(text("SELECT 1")) == 1
            assert await conn.scalar(text("SELECT pg_backend_pid()")) != first
        assert pings
    finally:
        await engine.dispose()


async def test_a_connection_used_a_moment_ago_is_not_pinged_on_postgresql(postgres_url: str) -> None:
    assert IDLE_PING_AFTER >= 1
    engine = create_engine(postgres_url)
    pings = counted_pings(engine)
    try:
        pids = {await backend_pid(engine) for _ in range(5)}
        assert len(pids) == 1  # the pool's one connection, reused
        assert pings == []
    finally:
        await engine.dispose()


async def test_a_new_connection_is_not_pinged_on_postgresql(postgres_url: str) -> None:
    engine = create_engine(postgres_url)
    ping_when_idle(engine, 0.0)
    pings = counted_pings(engine)
    checkouts: list[int] = []
    event.listen(engine.sync_engine.pool, "checkout", lambda *_: checkouts.append(1))
    try:
        await backend_pid(engine)
        assert checkouts and pings == []  # just opened: nothing to find out
    finally:
        await engine.dispose()
