"""Cleanup events: the event, its sign-ups and waitlist, organisers, region subscriptions, results
(attendees' bag claims, "after" photos, the dump reports it cleans), and the queries on them.

Capacity is kept by `Event.taken`, the number of sign-ups that hold a place. It changes only while
the event's row is locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite takes the database's
write lock at BEGIN, see storage/db.py), and a CHECK constraint refuses `taken > capacity`, so no
interleaving of presses can put more people on an event than it has places. A freed place goes to
the first person on the waitlist in the same transaction.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from geopy.distance import geodesic
from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    delete,
    func,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.models import BigId

MAX_CAPACITY = 10_000
MAX_DURATION = timedelta(hours=24)
CHECK_IN_EARLY = timedelta(minutes=30)  # check-in opens this long before the start
CHECK_IN_RADIUS_M = 300.0
NATIONAL = "national"  # an organiser appointed without a region organises anywhere


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class SignupStatus(StrEnum):
    GOING = "going"  # holds a place
    WAITING = "waiting"  # on the waitlist, in order of `queued_at`
    CANCELLED = "cancelled"


class ClaimStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Event(Base):
    __tablename__ = "events"
    __table_args__ = (
        CheckConstraint(f"capacity >= 1 AND capacity <= {MAX_CAPACITY}", name="capacity_range"),
        CheckConstraint("taken >= 0 AND taken <= capacity", name="taken_within_capacity"),
        CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        Index("ix_events_upcoming_point", "status", "latitude", "longitude", "ends_at"),
        Index("ix_events_region_start", "region_code", "starts_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text)
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    region_code: Mapped[str] = mapped_column(String(8))
    district_pcode: Mapped[str | None] = mapped_column(String(16))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    taken: Mapped[int] = mapped_column(Integer, default=0)
    bring: Mapped[str | None] = mapped_column(String(500))
    # NULL once the organiser used /forget: the event stays, its people are told by its admins.
    organiser_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=EventStatus.SCHEDULED)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Results, recorded by the organiser after the end. `attended` is kept as a number so that a
    # participant's /forget does not change what the event achieved.
    results_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[int | None] = mapped_column(Integer)
    bags: Mapped[int | None] = mapped_column(Integer)
    kilograms: Mapped[float | None] = mapped_column(Float)

    @property
    def places_left(self) -> int:
        return max(0, self.capacity - self.taken)

    @property
    def is_cancelled(self) -> bool:
        return self.status == EventStatus.CANCELLED

    def has_ended(self, now: datetime) -> bool:
        return self.ends_at <= now

    def check_in_open(self, now: datetime) -> bool:
        return self.starts_at - CHECK_IN_EARLY <= now < self.ends_at

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at) / timedelta(hours=1)


class EventSignup(Base):
    """One person's place (or place in the queue) at one event; cancelled rows are kept so that
    a second cancel is recognised, and reused when the person signs up again."""

    __tablename__ = "event_signups"
    __table_args__ = (
        UniqueConstraint("event_id", "user_id"),
        Index("ix_event_signups_queue", "event_id", "status", "queued_at", "id"),
        Index("ix_event_signups_user", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(16))
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attended: Mapped[bool | None] = mapped_column(Boolean)  # the organiser's word, at the results
    # Reminders sent (or not needed: signed up later than the reminder's time). Reset on a new time.
    reminded_24h_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_2h_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class EventOrganiser(Base):
    """An account an admin made an organiser, for a region or (NATIONAL) anywhere. Keyed by the
    account, like moderator roles, so that it can be given before the person first writes."""

    __tablename__ = "event_organisers"
    __table_args__ = (UniqueConstraint("channel", "external_id", "region_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(16))
    appointed_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventSubscription(Base):
    """"Tell me when a cleanup event is created in this region"."""

    __tablename__ = "event_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    region_code: Mapped[str] = mapped_column(String(8), primary_key=True, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EventReport(Base):
    """A dump report the event sets out to clean; marked cleaned when the results are recorded."""

    __tablename__ = "event_reports"

    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True)


class EventPhoto(Base):
    """An "after" photo of the results (stored by the photo pipeline, by content hash)."""

    __tablename__ = "event_photos"
    __table_args__ = (UniqueConstraint("event_id", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), index=True)
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class BagClaim(Base):
    """An attendee's own count of bags; counted only once the organiser accepts it, so that a bag
    is never counted both in the organiser's total and in a claim."""

    __tablename__ = "event_bag_claims"
    __table_args__ = (UniqueConstraint("event_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    bags: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=ClaimStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


# --- sign-up, cancel, waitlist ------------------------------------------------------------------
class SignupOutcome(StrEnum):
    GOING = "going"
    WAITING = "waiting"
    FULL = "full"  # no place, and the person did not ask for the waitlist
    ALREADY_GOING = "already_going"
    ALREADY_WAITING = "already_waiting"
    CANCELLED_EVENT = "cancelled_event"
    ENDED = "ended"


async def locked_event(session: AsyncSession, event_id: int) -> Event | None:
    """The event with its row locked for this transaction (capacity changes only under it)."""
    return await session.scalar(
        select(Event).where(Event.id == event_id).with_for_update().execution_options(populate_existing=True)
    )


async def signup_of(session: AsyncSession, event_id: int, user_id: int) -> EventSignup | None:
    return await session.scalar(
        select(EventSignup).where(EventSignup.event_id == event_id, EventSignup.user_id == user_id)
    )


def plan_reminders(signup: EventSignup, event: Event, now: datetime) -> None:
    """Who signs up (or is promoted) after a reminder's time has passed gets the card now, not a
    late "reminder"."""
    signup.reminded_24h_at = now if event.starts_at - now <= timedelta(hours=24) else None
    signup.reminded_2h_at = now if event.starts_at - now <= timedelta(hours=2) else None


async def sign_up(
    session: AsyncSession, event_id: int, user_id: int, now: datetime, *, waitlist: bool = False
) -> SignupOutcome:
    """Take a place, or with `waitlist` join the queue of a full event. Locks the event row."""
    event = await locked_event(session, event_id)
    if event is None or event.is_cancelled:
        return SignupOutcome.CANCELLED_EVENT
    if event.has_ended(now):
        return SignupOutcome.ENDED
    signup = await signup_of(session, event_id, user_id)
    if signup is not None and signup.status == SignupStatus.GOING:
        return SignupOutcome.ALREADY_GOING
    if signup is not None and signup.status == SignupStatus.WAITING:
        return SignupOutcome.ALREADY_WAITING
    if event.taken >= event.capacity and not waitlist:
        return SignupOutcome.FULL
    if signup is None:
        signup = EventSignup(event_id=event_id, user_id=user_id)
        session.add(signup)
    signup.queued_at = signup.updated_at = now
    signup.checked_in_at = None
    if event.taken < event.capacity:
        signup.status = SignupStatus.GOING
        event.taken += 1
        plan_reminders(signup, event, now)
        outcome = SignupOutcome.GOING
    else:
        signup.status = SignupStatus.WAITING
        outcome = SignupOutcome.WAITING
    await session.flush()
    return outcome


@dataclass(frozen=True)
class Cancelled:
    was: str | None  # the status the sign-up had (None: there was none)
    promoted_user_id: int | None = None  # who got the freed place


async def cancel_signup(session: AsyncSession, event_id: int, user_id: int, now: datetime) -> Cancelled:
    """Give up a place (the first on the waitlist gets it) or leave the waitlist."""
    event = await locked_event(session, event_id)
    signup = await signup_of(session, event_id, user_id)
    if event is None or signup is None or signup.status == SignupStatus.CANCELLED:
        return Cancelled(None if signup is None else SignupStatus.CANCELLED)
    was = signup.status
    signup.status = SignupStatus.CANCELLED
    signup.updated_at = now
    promoted = None
    if was == SignupStatus.GOING:
        event.taken -= 1
        promoted = await promote_waiting(session, event, now)
    await session.flush()
    return Cancelled(was, promoted)


async def promote_waiting(session: AsyncSession, event: Event, now: datetime) -> int | None:
    """Give a free place to the first on the waitlist; the caller holds the event's lock."""
    if event.taken >= event.capacity or event.is_cancelled or event.has_ended(now):
        return None
    first = await session.scalar(
        select(EventSignup)
        .where(EventSignup.event_id == event.id, EventSignup.status == SignupStatus.WAITING)
        .order_by(EventSignup.queued_at, EventSignup.id)
        .limit(1)
    )
    if first is None:
        return None
    first.status = SignupStatus.GOING
    first.updated_at = now
    plan_reminders(first, event, now)
    event.taken += 1
    return first.user_id


async def people_of(session: AsyncSession, event_id: int, *statuses: str) -> list[EventSignup]:
    """Sign-ups of an event with these statuses, in the order they came (the waitlist's order)."""
    rows = await session.scalars(
        select(EventSignup)
        .where(EventSignup.event_id == event_id, EventSignup.status.in_(statuses))
        .order_by(EventSignup.queued_at, EventSignup.id)
    )
    return list(rows)


# --- finding events -----------------------------------------------------------------------------
EARTH_RADIUS_KM = 6371.0088
# A great-circle distance on the mean sphere is within about 0.6% of the WGS84 geodesic; 1% is safe.
SPHERE_ERROR = 0.01


def _haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


def _geodesic_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    return geodesic(a, b).meters


def _upcoming(now: datetime):
    return and_(Event.status == EventStatus.SCHEDULED, Event.ends_at > now)


@dataclass(frozen=True)
class Nearby:
    total: int  # upcoming events within the radius
    page: list[tuple[Event, float]]  # (event, geodesic distance in metres), nearest first


async def events_near(
    session: AsyncSession,
    lat: float,
    lon: float,
    now: datetime,
    *,
    radius_km: float,
    offset: int = 0,
    limit: int = 5,
) -> Nearby:
    """Upcoming events within `radius_km` of a point, by geodesic distance. The database narrows
    to a box; the sphere's distance, which is within SPHERE_ERROR of the geodesic, decides which
    candidates can be in the page, and only those get the (slower) geodesic."""
    dlat = radius_km / 110.5
    widest = min(89.0, abs(lat) + dlat)
    dlon = min(180.0, radius_km / (111.32 * max(0.01, math.cos(math.radians(widest)))))
    rows = (
        await session.execute(
            select(Event.id, Event.latitude, Event.longitude).where(
                _upcoming(now),
                Event.latitude.between(lat - dlat, lat + dlat),
                Event.longitude.between(lon - dlon, lon + dlon),
            )
        )
    ).all()
    rough = sorted((_haversine_km(lat, lon, r[1], r[2]), r[0], (r[1], r[2])) for r in rows)
    inside = [c for c in rough if c[0] <= radius_km * (1 + SPHERE_ERROR)]
    exact: dict[int, float] = {}

    def geodesic_of(candidate) -> float:
        if candidate[1] not in exact:
            exact[candidate[1]] = _geodesic_m((lat, lon), candidate[2])
        return exact[candidate[1]]

    # Borderline candidates (near the radius) get the geodesic to decide whether they are inside.
    within = [c for c in inside if c[0] <= radius_km * (1 - SPHERE_ERROR) or geodesic_of(c) <= radius_km * 1000]
    wanted = min(offset + limit, len(within))
    ranked: list[tuple[float, int]] = []
    if wanted > offset:
        bound = within[wanted - 1][0] * (1 + SPHERE_ERROR) / (1 - SPHERE_ERROR)
        ranked = sorted((geodesic_of(c), c[1]) for c in within if c[0] <= bound)[offset:wanted]
    events = {
        e.id: e for e in await session.scalars(select(Event).where(Event.id.in_([i for _d, i in ranked])))
    }
    return Nearby(len(within), [(events[i], d) for d, i in ranked])


async def events_in_region(
    session: AsyncSession, region_code: str, now: datetime, *, offset: int = 0, limit: int = 5
) -> tuple[int, list[Event]]:
    """Upcoming events of a region, soonest first."""
    where = (_upcoming(now), Event.region_code == region_code)
    total = await session.scalar(select(func.count(Event.id)).where(*where))
    rows = await session.scalars(
        select(Event).where(*where).order_by(Event.starts_at, Event.id).offset(offset).limit(limit)
    )
    return int(total or 0), list(rows)


# --- organisers and subscriptions ------------------------------------------------------------
async def add_organiser(
    session: AsyncSession, channel: str, external_id: str, region_code: str, by: str, now: datetime
) -> bool:
    """Appoint; False when the role already existed."""
    existing = await session.scalar(
        select(EventOrganiser.id).where(
            EventOrganiser.channel == channel,
            EventOrganiser.external_id == external_id,
            EventOrganiser.region_code == region_code,
        )
    )
    if existing is not None:
        return False
    session.add(
        EventOrganiser(
            channel=channel, external_id=external_id, region_code=region_code, appointed_by=by, created_at=now
        )
    )
    await session.flush()
    return True


async def remove_organiser(
    session: AsyncSession, channel: str, external_id: str, region_code: str | None = None
) -> int:
    query = delete(EventOrganiser).where(
        EventOrganiser.channel == channel, EventOrganiser.external_id == external_id
    )
    if region_code:
        query = query.where(EventOrganiser.region_code == region_code)
    return (await session.execute(query)).rowcount or 0


async def organiser_regions(session: AsyncSession, channel: str, external_id: str) -> set[str]:
    """The regions this account organises in (NATIONAL: anywhere)."""
    rows = await session.scalars(
        select(EventOrganiser.region_code).where(
            EventOrganiser.channel == channel, EventOrganiser.external_id == external_id
        )
    )
    return set(rows)


async def all_organisers(session: AsyncSession) -> list[EventOrganiser]:
    rows = await session.scalars(
        select(EventOrganiser).order_by(EventOrganiser.region_code, EventOrganiser.channel, EventOrganiser.external_id)
    )
    return list(rows)


async def subscribers(session: AsyncSession, region_code: str) -> list[int]:
    rows = await session.scalars(
        select(EventSubscription.user_id).where(EventSubscription.region_code == region_code)
    )
    return list(rows)
