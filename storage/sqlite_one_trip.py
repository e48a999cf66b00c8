"""aiosqlite with one trip to its thread per statement, instead of four.

aiosqlite runs SQLite in a thread of its own; each call is a trip there and back: a queue, a
wake-up, and a wake-up of the event loop through its self-pipe. SQLAlchemy's aiosqlite cursor
makes four for every statement (open a cursor, execute, fetch the rows, close). Measured on the
2-core machine of the benchmarks, one trip costs about 100 µs of the event loop's thread and
150 µs of the process: about 0.4 ms of each reply's 3 ms (`benchmarks/bench_scale.py`, 2.7 trips
per reply). Here the cursor does all four in one call in the thread, and keeps the rows.

Built on SQLAlchemy 2.1's asyncio adapter classes and aiosqlite's `_execute` (the call that runs a
function in its thread); the whole suite runs through it on SQLite."""

from __future__ import annotations

import collections
import sqlite3
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT


def _execute(connection: aiosqlite.Connection, operation: str, parameters: Any, many: bool) -> tuple[Any, ...]:
    """In aiosqlite's thread: the statement, its rows and its counts, the cursor closed."""
    cursor: sqlite3.Cursor = connection._conn.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
        elif parameters is None:
            cursor.execute(operation)
        else:
            cursor.execute(operation, parameters)
        description = cursor.description
        rows = cursor.fetchall() if description else []
        return description, rows, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    __slots__ = ("_description", "_rowcount", "_lastrowid")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # none held between calls
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description = None
        self._rowcount = -1
        self._lastrowid = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    async def _run(self, operation: str, parameters: Any, many: bool) -> None:
        async with self._adapt_connection._execute_mutex:
            outcome = await self._connection._execute(_execute, self._connection, operation, parameters, many)
        self._description, rows, self._rowcount, self._lastrowid = outcome
        self._rows = collections.deque(rows)

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await self._run(operation, seq_of_parameters, many=True)

    async def _async_soft_close(self) -> None:
        """Nothing to close: the rows are here already."""

    def close(self) -> None:
        self._rows.clear()


class OneTripConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneTripCursor


class OneTripDBAPI(AsyncAdapt_aiosqlite_dbapi):
    """The DBAPI module SQLAlchemy's aiosqlite dialect uses (`create_async_engine(module=...)`),
    handing out connections with the one-trip cursor."""

    def connect(self, *arg: Any, **kw: Any) -> OneTripConnection:
        return OneTripConnection(self, super().connect(*arg, **kw)._connection)


def one_trip_dbapi() -> OneTripDBAPI:
    return OneTripDBAPI(aiosqlite, sqlite3)
