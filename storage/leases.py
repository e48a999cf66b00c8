"""Leases: which process holds a role that only one may hold at a time (the worker running the
scheduled jobs). On SQLite the row itself is the lock (taken when free or expired, renewed while
held); on PostgreSQL an advisory lock is the lock and the row only says who holds it, for
/healthz and /metrics."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import String, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime
from storage.db import insert_ignoring_conflicts


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
    await session.execute(insert_ignoring_conflicts(session, Lease.__table__, [row]))
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
