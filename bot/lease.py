"""The worker lease: only one `python -m bot worker` runs the scheduled jobs at a time.

PostgreSQL: a session advisory lock on a connection held for as long as the worker runs; the
server drops it the moment that connection dies (kill -9, a lost host), so a waiting worker takes
over within one poll. SQLite: a row lease (`storage.operations`) renewed every third of its time to
live; a killed holder's lease expires and the waiting worker takes it. Either way the `leases`
row says who holds the role, for /healthz and /metrics."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from storage.operations import lease_state, record_lease, release_lease, take_lease

log = logging.getLogger(__name__)

WORKER = "worker"
ADVISORY_KEY = 0x7A7A_0001  # "taza worker": any fixed 64-bit number, the same in every process


class LeaseLost(Exception):
    """Another process took the role (this one stalled past its lease, or its connection died)."""


def process_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def alive(holder: str) -> bool:
    """Whether the process "host:pid" still runs; a process on another host is taken as alive."""
    host, _, pid = holder.rpartition(":")
    if host != socket.gethostname():
        return True
    if not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


class WorkerLease:
    def __init__(
        self,
        db: AsyncEngine,
        sessions: async_sessionmaker[AsyncSession],
        clock: Callable[[], datetime],
        *,
        ttl: float = 15.0,
        poll: float = 1.0,
        holder: str | None = None,
    ) -> None:
        self.db = db
        self.sessions = sessions
        self.clock = clock
        self.ttl = ttl
        self.poll = poll
        self.holder = holder or process_name()
        self.postgres = db.dialect.name == "postgresql"
        self._conn: AsyncConnection | None = None

    async def acquire(self) -> None:
        """Wait until this process holds the lease; say once that it waits and for whom."""
        said = False
        while not await self._try():
            if not said:
                async with self.sessions() as session:
                    state = await lease_state(session, WORKER)
                log.warning(
                    "another worker (%s) holds the jobs lease; waiting to take over", state.holder or "unknown"
                )
                said = True
            await asyncio.sleep(self.poll)
        log.warning("worker %s holds the jobs lease", self.holder)

    async def _try(self) -> bool:
        if not self.postgres:
            async with self.sessions() as session, session.begin():
                state = await lease_state(session, WORKER)
                if state.holder and state.holder != self.holder and state.held(self.clock()) and not alive(state.holder):
                    await release_lease(session, WORKER, state.holder, self.clock())  # killed on this host
                return await take_lease(session, WORKER, self.holder, self.clock(), self.ttl)
        if self._conn is None:
            self._conn = await (await self.db.connect()).execution_options(isolation_level="AUTOCOMMIT")
        got = await self._conn.scalar(text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY})
        if got:
            await self._record()
        return bool(got)

    async def _record(self) -> None:
        async with self.sessions() as session, session.begin():
            await record_lease(session, WORKER, self.holder, self.clock(), self.ttl)

    async def keep(self) -> None:
        """Renew the lease until cancelled; raise LeaseLost when it is gone."""
        while True:
            await asyncio.sleep(self.ttl / 3)
            if self.postgres:
                assert self._conn is not None
                try:
                    await self._conn.scalar(text("SELECT 1"))
                except Exception as exc:
                    raise LeaseLost(f"the lock's connection failed: {exc}") from None
                await self._record()
            elif not await self._try():
                raise LeaseLost("another worker took the jobs lease")

    async def release(self) -> None:
        try:
            async with self.sessions() as session, session.begin():
                await release_lease(session, WORKER, self.holder, self.clock())
        finally:
            if self._conn is not None:
                await self._conn.close()  # closing the session drops the advisory lock
                self._conn = None
