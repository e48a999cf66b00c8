"""What operations watch: leases and the scheduled jobs' last runs.

Leases: which process holds a role that only one may hold at a time (the worker running the
scheduled jobs). On SQLite the row itself is the lock (taken when free or expired, renewed while
held); on PostgreSQL an advisory lock is the lock and the row only says who holds it, for
/healthz and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Boolean, Float, String, Text, case, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime
from storage.db import insert_ignoring_conflicts
from storage.models import OutboxMessage, OutboxStatus


class Lease(Base):
    __tablename__ = "leases"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


@dataclass(frozen=True, slots=True)
class LeaseState:
    holder: str | None
    acquired_at: datetime | None
    expires_at: datetime | None

    def held(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at > now


async def take_lease(session: AsyncSession, name: str, holder: str, now: datetime, ttl: float) -> bool:
    """Take or renew the lease for `holder` when it is free, expired or already theirs. Must run in
    a write transaction (SQLite's BEGIN IMMEDIATE serialises it)."""
    expires = now + timedelta(seconds=ttl)
    row = {"name": name, "holder": holder, "acquired_at": now, "expires_at": expires}
    await session.execute(insert_ignoring_conflicts(session, Lease.__table__), row)
    result = await session.execute(
        update(Lease)
        .where(Lease.name == name, (Lease.holder == holder) | (Lease.expires_at <= now))
        .values(
            holder=holder,
            expires_at=expires,
            # a renewal keeps when it was taken; a takeover starts anew
            acquired_at=_acquired_since(holder, now),
        )
    )
    return result.rowcount == 1


def _acquired_since(holder: str, now: datetime):
    return case((Lease.holder == holder, Lease.acquired_at), else_=now)


async def record_lease(session: AsyncSession, name: str, holder: str, now: datetime, ttl: float) -> None:
    """Say who holds a lease whose real lock lives elsewhere (a PostgreSQL advisory lock)."""
    await session.execute(update(Lease).where(Lease.name == name).values(expires_at=now))  # clear stale holder
    await take_lease(session, name, holder, now, ttl)


async def release_lease(session: AsyncSession, name: str, holder: str, now: datetime) -> None:
    await session.execute(update(Lease).where(Lease.name == name, Lease.holder == holder).values(expires_at=now))


async def lease_state(session: AsyncSession, name: str) -> LeaseState:
    row = (await session.execute(select(Lease.holder, Lease.acquired_at, Lease.expires_at).where(Lease.name == name))).first()
    return LeaseState(*row) if row else LeaseState(None, None, None)


class JobStat(Base):
    """A scheduled job's last run, written by whichever process ran it (the worker) and read by
    /metrics in every web process."""

    __tablename__ = "job_stats"

    job: Mapped[str] = mapped_column(String(32), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    duration_seconds: Mapped[float] = mapped_column(Float)
    ok: Mapped[bool] = mapped_column(Boolean)
    error: Mapped[str | None] = mapped_column(Text)


async def record_job_run(
    session: AsyncSession, job: str, started_at: datetime, duration: float, error: str | None
) -> None:
    values = {"started_at": started_at, "duration_seconds": duration, "ok": error is None, "error": error}
    result = await session.execute(update(JobStat).where(JobStat.job == job).values(**values))
    if result.rowcount == 0:
        await session.execute(insert_ignoring_conflicts(session, JobStat.__table__), {"job": job, **values})


async def job_stats(session: AsyncSession) -> list[JobStat]:
    return list((await session.scalars(select(JobStat).order_by(JobStat.job))).all())


@dataclass(frozen=True, slots=True)
class OutboxBacklog:
    pending: int
    failed: int
    oldest_pending_seconds: float  # 0 when nothing waits


async def outbox_backlog(session: AsyncSession, now: datetime) -> OutboxBacklog:
    """Messages waiting to go out (pending, held ones included: WAITING is not counted), failed ones."""
    rows = await session.execute(
        select(OutboxMessage.status, func.count(), func.min(OutboxMessage.created_at))
        .where(OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.FAILED]))
        .group_by(OutboxMessage.status)
    )
    found = {status: (count, oldest) for status, count, oldest in rows}
    pending, oldest = found.get(OutboxStatus.PENDING, (0, None))
    age = max(0.0, (now - oldest).total_seconds()) if oldest is not None else 0.0
    return OutboxBacklog(pending, found.get(OutboxStatus.FAILED, (0, None))[0], age)


async def reports_by_status(session: AsyncSession) -> dict[str, int]:
    from storage.reports import Report

    rows = await session.execute(select(Report.status, func.count()).group_by(Report.status))
    return {str(status): count for status, count in rows}
