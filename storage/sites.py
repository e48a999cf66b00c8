"""Sites detected from space and their verification on the ground by citizens.

A detected site is a report (`reports` row, origin "satellite", status "to_verify", no reporter)
plus a `DetectedSite` row naming where it came from: the source (a monitoring programme) and its id
there, which together are the key that makes importing the same file twice change nothing.
Citizens near a site are invited to look (`SiteVerifier` keeps when each was last asked, and their
"don't ask me"); each look is a `SiteVerification` ("here" with a photo, or "nothing here"), both
with the place it was made from. `SharedLocation` is the latest point a person shared with the bot,
kept 30 days, which is how people near a site are found.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint, delete, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.db import insert_ignoring_conflicts
from storage.models import BigId

LOCATION_DAYS = 30  # a shared location is used (and kept) this long
# glossary: site to verify = тексерілетін орын / место для проверки / site to verify


class Verdict(StrEnum):
    HERE = "here"  # the dump is there (with a photo)
    NOTHING = "nothing"  # nothing there


class DetectedSite(Base):
    __tablename__ = "detected_sites"
    __table_args__ = (UniqueConstraint("source", "source_id"),)

    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[str] = mapped_column(String(128))
    detected_on: Mapped[date | None] = mapped_column(Date)
    area_m2: Mapped[float | None] = mapped_column(Float)
    here_count: Mapped[int] = mapped_column(Integer, default=0)
    nothing_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SiteVerification(Base):
    """One citizen's look at a site: once per person and site."""

    __tablename__ = "site_verifications"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    verdict: Mapped[str] = mapped_column(String(8))
    distance_m: Mapped[float] = mapped_column(Float)  # from the site, where the citizen stood
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class SiteVerifier(Base):
    """A person's standing as a verifier: when last invited (at most once a week) and whether they
    asked never to be asked again."""

    __tablename__ = "site_verifiers"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    last_invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_site_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    opted_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class SharedLocation(Base):
    """The latest point a person shared (any flow), to find people near a site."""

    __tablename__ = "shared_locations"
    __table_args__ = (Index("ix_shared_locations_shared_at", "shared_at"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    shared_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- repository functions ------------------------------------------------------------------------
async def remember_location(session: AsyncSession, user_id: int, lat: float, lon: float, now: datetime) -> None:
    found = await session.get(SharedLocation, user_id)
    if found is None:
        session.add(SharedLocation(user_id=user_id, latitude=lat, longitude=lon, shared_at=now))
    else:
        found.latitude, found.longitude, found.shared_at = lat, lon, now


async def forget_old_locations(session: AsyncSession, now: datetime) -> int:
    cutoff = now - timedelta(days=LOCATION_DAYS)
    return (await session.execute(delete(SharedLocation).where(SharedLocation.shared_at < cutoff))).rowcount or 0


async def known_sources(session: AsyncSession, keys: Sequence[tuple[str, str]], chunk: int = 500) -> set[tuple[str, str]]:
    """Which (source, source id) pairs are imported already."""
    found: set[tuple[str, str]] = set()
    for start in range(0, len(keys), chunk):
        part = keys[start : start + chunk]
        rows = await session.execute(
            select(DetectedSite.source, DetectedSite.source_id).where(
                tuple_(DetectedSite.source, DetectedSite.source_id).in_(part)
            )
        )
        found.update((a, b) for a, b in rows.all())
    return found


async def verifier(session: AsyncSession, user_id: int, *, lock: bool = False) -> SiteVerifier:
    query = select(SiteVerifier).where(SiteVerifier.user_id == user_id)
    found = await session.scalar(query.with_for_update() if lock else query)
    if found is None:
        found = SiteVerifier(user_id=user_id)
        session.add(found)
        await session.flush()
    return found


async def mark_invited(session: AsyncSession, invited: Sequence[tuple[int, int]], now: datetime) -> None:
    """(user, site) pairs just invited: their week starts now."""
    users = [user_id for user_id, _site in invited]
    if not users:
        return
    await session.execute(
        insert_ignoring_conflicts(session, SiteVerifier.__table__), [{"user_id": u} for u in users]
    )
    await session.execute(
        update(SiteVerifier),
        [{"user_id": u, "last_invited_at": now, "last_site_id": site} for u, site in invited],
    )
