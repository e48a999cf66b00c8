"""Engine, sessions and the few SQL idioms that differ between SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, any_, bindparam, event, func, make_url, select, text, tuple_
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.sql.schema import Table

from storage.files import PRIVATE_FILE, private_dir
from storage.sqlite_one_trip import one_trip_dbapi

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
log = logging.getLogger(__name__)


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """An async engine. On SQLite: WAL, foreign keys, a busy timeout, and BEGIN IMMEDIATE so that
    concurrent steps queue for the write lock instead of failing when a reader upgrades to a writer."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        # A batch's outbox INSERT … RETURNING is written out per number of rows (SQLAlchemy's
        # "insertmanyvalues"), one prepared statement per batch size: room for them beside the rest.
        cache = {} if "prepared_statement_cache_size" in parsed.query else {"prepared_statement_cache_size": 500}
        engine = create_async_engine(url, echo=echo, connect_args=cache)
        ping_when_idle(engine, IDLE_PING_AFTER)
        return engine

    if parsed.database and parsed.database != ":memory:":
        private_sqlite(Path(parsed.database))
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30}, module=one_trip_dbapi())

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves, below
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    gate = WriterGate()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        gate.enter(conn)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            gate.leave(conn)
            raise

    @event.listens_for(engine.sync_engine, "commit")
    @event.listens_for(engine.sync_engine, "rollback")
    def _on_end(conn: Any) -> None:
        gate.leave(conn)

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _on_checkin(dbapi_connection: Any, _record: Any) -> None:
        gate.release(dbapi_connection)  # a transaction that ended without its event

    return engine


IDLE_PING_AFTER = 10.0  # seconds a pooled connection may sit unused before it is pinged
_IDLE_SINCE = "taza.idle_since"  # the pool record's info: when the connection was checked in


def ping_when_idle(engine: AsyncEngine, after: float) -> None:
    """Ping a pooled connection before use only when it sat idle for `after` seconds.

    `pool_pre_ping` pinged on every checkout, and on asyncpg a ping is three round trips (BEGIN, a
    ping, ROLLBACK): a third of a web process's round trips under load (counted in the
    benchmark). A connection that finished a transaction a moment ago is as alive as a pinged one;
    one that sat idle is where a restarted server or a dropped connection shows, and it is still
    pinged, and replaced when the ping fails. A connection lost in the middle of use fails its
    transaction with or without pings; SQLAlchemy then replaces every pooled connection."""
    pool = engine.sync_engine.pool

    @event.listens_for(pool, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)  # none: a new connection, just opened
        if since is None or time.monotonic() - since < after:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool retries the checkout with a new connection
            raise DisconnectionError(f"a connection idle for {time.monotonic() - since:.0f} s failed its ping") from exc


class WriterGate:
    """One SQLite transaction at a time within this process, handed over in arrival order by an
    asyncio lock. Without it, transactions waiting for SQLite's write lock poll it with the busy
    handler's growing sleeps (up to 100 ms each): under load a step could wait a second for a
    lock that was free most of the time. SQLite's own lock stays the authority: other processes
    meet the busy timeout as before, and a gate that is not handed over within `timeout` (a
    transaction cut off by a cancellation, a very long job) is abandoned for a fresh one, which
    only means waiting in SQLite's way again. The lock is taken inside SQLAlchemy's greenlet
    (`await_only`); where there is none (a sync caller) the gate is skipped."""

    def __init__(self, timeout: float = 10.0) -> None:
        self.timeout = timeout
        self._lock: asyncio.Lock | None = None
        self._holder: object | None = None  # the DBAPI connection (pool check-in knows only that)
        self._holder_conn: object | None = None  # its SQLAlchemy Connection (commit and rollback)

    def enter(self, conn: Any) -> None:
        from sqlalchemy.exc import MissingGreenlet
        from sqlalchemy.util import await_only

        if self._lock is None:
            self._lock = asyncio.Lock()
        try:
            await_only(asyncio.wait_for(self._lock.acquire(), self.timeout))
        except MissingGreenlet:
            return
        except RuntimeError:  # the lock belongs to another event loop: SQLite's lock alone
            return
        except TimeoutError:
            log.warning("SQLite writer gate not handed over in %.0f s; starting a fresh one", self.timeout)
            self._lock = asyncio.Lock()
            await_only(self._lock.acquire())
        self._holder = conn.connection.dbapi_connection
        self._holder_conn = conn

    def leave(self, conn: Any) -> None:
        """At commit or rollback. Compared by the Connection object: a transaction cut off by a
        cancellation has an invalidated connection, whose DBAPI connection can no longer be asked
        for, and its rollback must still hand the gate over (else the next one waits `timeout`)."""
        if self._holder_conn is not None and self._holder_conn is conn:
            self._hand_over()

    def release(self, dbapi_connection: object) -> None:
        if self._holder is not None and self._holder is dbapi_connection:
            self._hand_over()

    def _hand_over(self) -> None:
        self._holder = self._holder_conn = None
        if self._lock is not None and self._lock.locked():
            self._lock.release()


def private_sqlite(path: Path) -> None:
    """The database file, made before SQLite opens it, readable by the owner only: SQLite gives
    its WAL and shared-memory files the database's permissions. Existing files are tightened."""
    private_dir(path.parent)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        if file.exists():
            os.chmod(file, PRIVATE_FILE)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def on_postgresql(session: AsyncSession) -> bool:
    """Whether the session's database is PostgreSQL (else SQLite, the embedded default)."""
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def insert_ignoring_conflicts(session: AsyncSession, table: Table):
    """INSERT ... ON CONFLICT DO NOTHING for the session's dialect, to execute with the rows as
    parameters: a statement without its values is compiled once and cached (one with a
    multi-row VALUES is compiled anew for every execution)."""
    module = postgresql if on_postgresql(session) else sqlite
    return module.insert(table).on_conflict_do_nothing()


async def lock_chats(session: AsyncSession, chats: Sequence[tuple[str, str]]) -> None:
    """PostgreSQL: hold these chats' advisory locks until this transaction ends, so that two web
    processes never run steps of one chat at once; in one statement, taken in the order of their
    lock keys, so two transactions locking overlapping sets never each hold a lock the other
    waits for. SQLite needs none: BEGIN IMMEDIATE already lets one writer at a time in."""
    if chats and on_postgresql(session):
        await session.execute(
            text(
                "SELECT count(pg_advisory_xact_lock(key)) FROM "
                "(SELECT hashtextextended(name, 0) AS key FROM unnest(CAST(:names AS text[])) AS name "
                "ORDER BY 1 OFFSET 0) AS keys"
            ),
            {"names": [f"chat:{channel}:{chat_id}" for channel, chat_id in chats]},
        )


def in_list(session: AsyncSession, column: ColumnElement[Any], values: Sequence[Any]) -> ColumnElement[bool]:
    """`column IN values`, one statement text whatever the number of values on PostgreSQL.

    SQLAlchemy writes an IN list out at each execution, so a batch of 17 and one of 18 are two
    statements to the server: asyncpg prepares each new text (a round trip and a plan), and the
    batch statements' lengths overflowed its cache of 100 prepared statements per connection
    (counted in a web process under load: a prepare for every three replies). On PostgreSQL the
    values go as one array (`= ANY`); SQLite prepares nothing on a server and keeps the list."""
    if not on_postgresql(session):
        return column.in_(list(values))
    return column == any_(bindparam(None, list(values), type_=ARRAY(column.type)))


def in_pairs(first: ColumnElement[Any], second: ColumnElement[Any], name: str, *, postgresql: bool) -> ColumnElement[bool]:
    """`(first, second) IN` the pairs given when the statement is executed (`pairs_params(…, name,
    pairs)`), one statement text whatever their number (as `in_list`): two arrays unnested on
    PostgreSQL, an expanding list on SQLite. The pairs are parameters, not part of the statement,
    so a statement used for every batch is built once and kept: building one with the pairs in it,
    with its cache key, took 0.28 ms (measured), and a batch's five were half its fixed cost."""
    if not postgresql:
        return tuple_(first, second).in_(bindparam(name, expanding=True))
    rows = func.unnest(
        bindparam(f"{name}_first", type_=ARRAY(first.type)), bindparam(f"{name}_second", type_=ARRAY(second.type))
    ).table_valued("first", "second").render_derived()
    return tuple_(first, second).in_(select(rows.c.first, rows.c.second))


def pairs_params(session: AsyncSession, name: str, pairs: Iterable[tuple[Any, Any]]) -> dict[str, Any]:
    """The execution parameters of `in_pairs(…, name)` for the session's database."""
    pairs = list(pairs)
    if not on_postgresql(session):
        return {name: pairs}
    return {f"{name}_first": [a for a, _ in pairs], f"{name}_second": [b for _, b in pairs]}


def alembic_config(url: str):
    """Alembic's configuration for this project's migrations on `url` (also used by the tests
    that walk every revision up and down)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def migrate_sync(url: str, revision: str = "head") -> None:
    """Apply Alembic migrations up to `revision` (creates the SQLite file and folder if needed)."""
    from alembic import command

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        private_sqlite(Path(parsed.database))
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        command.upgrade(alembic_config(url), revision)
        return
    # Called from async code: Alembic's env runs its own event loop, so give it a thread.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(command.upgrade, alembic_config(url), revision).result()


async def migrate(url: str, revision: str = "head") -> None:
    """The same from inside a running event loop (Alembic's env runs its own loop in a thread)."""
    await asyncio.to_thread(migrate_sync, url, revision)
