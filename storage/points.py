"""Eco-points: one append-only ledger, the rules it is written by, and the rankings read from it.

A deed is a (user, deed kind, ref) triple, for example the reporter of report 12 for "report
confirmed". `settle` brings the deed's points to what they should be now by appending the
difference: a confirmation adds, a rejection afterwards appends the negative, a second press or a
redelivered update finds nothing to add. Each entry of a deed has its number (`seq`), unique with
the deed, so two transactions settling the same deed at once cannot both append: the second insert
is ignored. Nothing is ever updated or deleted (except by /forget), so the ledger is its own
history and sums are the only truth."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, UniqueConstraint, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.db import insert_ignoring_conflicts
from storage.models import BigId, User


class Deed(StrEnum):
    REPORT_CONFIRMED = "report_confirmed"  # ref: report id; to the reporter
    CONFIRMATION = "confirmation"  # ref: report id; to a citizen who confirmed someone's report
    STILL_THERE_CLEANED = "still_there_cleaned"  # ref: report id; the reporter's "still there" photo led to a cleaning
    EVENT_ATTENDED = "event_attended"  # ref: event id
    BAGS_ACCEPTED = "bags_accepted"  # ref: bag claim id
    TREES_ALIVE = "trees_alive"  # ref: "planting id:months"
    QUIZ_CORRECT = "quiz_correct"  # ref: "round id:question index"
    SITE_VERIFIED = "site_verified"  # ref: report id; a site detected from space, verified on the ground


# The rules: points per deed. The programme rewards results on the ground over clicks, so a deed
# is worth more the more it costs the citizen and the more certain it is that it happened.
RULES: dict[Deed, int] = {
    # A dump a moderator confirmed is real and now on the akimat's list: the programme's core.
    # Merely sending earns nothing (it would reward spam and make moderators' work a points hunt).
    Deed.REPORT_CONFIRMED: 10,
    # Saying "this dump is still there" on someone's report is quick, but it raises the report's
    # priority; worth something once the report is confirmed, less than finding the dump.
    Deed.CONFIRMATION: 3,
    # Going back 30 days later to photograph a dump nobody cleaned, and getting it cleaned, is the
    # follow-up that "regular and objective monitoring" asks for.
    Deed.STILL_THERE_CLEANED: 15,
    # Half a day of one's weekend at a cleanup, checked in on the spot (signing up is not enough).
    Deed.EVENT_ATTENDED: 20,
    # Per bag the organiser accepted (capped per claim below: a claim of 50 bags is checked by
    # someone, but points should not reward inflated counts).
    Deed.BAGS_ACCEPTED: 2,
    # Per tree alive at the 6- and 12-month check-ins (capped per check-in below): planting is
    # easy, keeping a seedling alive through a Kazakh summer and winter is the achievement.
    Deed.TREES_ALIVE: 5,
    # A correct quiz answer: learning counts, but a quiz can be replayed endlessly, so it is the
    # smallest reward and capped per Kazakhstan day (QUIZ_CORRECT_PER_DAY).
    Deed.QUIZ_CORRECT: 1,
    # Going to a site detected from space and looking (a photo and one's location within 200 m),
    # counted once two looks agree: as much as a confirmed report, which it makes (or closes).
    Deed.SITE_VERIFIED: 10,
}
BAGS_PER_CLAIM_CAP = 10
TREES_PER_CHECKIN_CAP = 20
QUIZ_CORRECT_PER_DAY = 20

# Badges: the totals announced once each (the user is told when they first reach one).
MILESTONES: tuple[int, ...] = (10, 50, 100, 250, 500, 1000, 2500, 5000)


def next_milestone(total: int) -> int | None:
    return next((m for m in MILESTONES if m > total), None)


def reached_milestone(total: int) -> int:
    """The highest milestone at or below `total` (0 when none)."""
    return max((m for m in MILESTONES if m <= total), default=0)


class PointsEntry(Base):
    __tablename__ = "points_ledger"
    __table_args__ = (
        UniqueConstraint("user_id", "deed", "ref", "seq"),
        Index("ix_points_ledger_user_created", "user_id", "created_at"),
        Index("ix_points_ledger_region_created", "region_code", "created_at"),
        Index("ix_points_ledger_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    deed: Mapped[str] = mapped_column(String(24))
    ref: Mapped[str] = mapped_column(String(32))
    seq: Mapped[int] = mapped_column(Integer)  # 0 for the first entry of a deed, then 1, 2...
    points: Mapped[int] = mapped_column(Integer)  # negative when points are taken back
    region_code: Mapped[str | None] = mapped_column(String(16))  # where the deed was done
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class PointsSettings(Base):
    """A person's choices about points: to be named on leaderboards (consent; anonymised
    otherwise), and the highest badge they have been told about (announced once)."""

    __tablename__ = "points_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    badge: Mapped[int] = mapped_column(Integer, default=0)


async def settings_of(session: AsyncSession, user_id: int, *, lock: bool = False) -> PointsSettings:
    query = select(PointsSettings).where(PointsSettings.user_id == user_id)
    found = await session.scalar(query.with_for_update() if lock else query)
    if found is None:
        found = PointsSettings(user_id=user_id, show_name=False, badge=0)
        session.add(found)
        await session.flush()
    return found


async def settle(
    session: AsyncSession,
    user_id: int | None,
    deed: Deed,
    ref: object,
    target: int,
    region_code: str | None,
    now: datetime,
) -> int:
    """Bring the deed's points to `target` by appending the difference; returns it (0: nothing
    was written, the deed already counts exactly so)."""
    if user_id is None:  # the person used /forget: nobody to give points to
        return 0
    key = str(ref)
    total, count = (
        await session.execute(
            select(func.coalesce(func.sum(PointsEntry.points), 0), func.count()).where(
                PointsEntry.user_id == user_id, PointsEntry.deed == deed, PointsEntry.ref == key
            )
        )
    ).one()
    delta = target - int(total)
    if delta == 0:
        return 0
    row = dict(user_id=user_id, deed=str(deed), ref=key, seq=int(count), points=delta, region_code=region_code, created_at=now)
    result = await session.execute(insert_ignoring_conflicts(session, PointsEntry.__table__), row)
    return delta if result.rowcount else 0


def kz_day_bounds(day: date, tz) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=tz)
    return start, start + timedelta(days=1)


async def deed_points_between(
    session: AsyncSession, user_id: int, deed: Deed, start: datetime, end: datetime
) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(PointsEntry.points), 0)).where(
            PointsEntry.user_id == user_id,
            PointsEntry.deed == deed,
            PointsEntry.created_at >= start,
            PointsEntry.created_at < end,
        )
    )
    return int(total or 0)


# --- reading: totals, ranks, leaderboards -------------------------------------------------------
async def total_of(session: AsyncSession, user_id: int, region_code: str | None = None) -> int:
    query = select(func.coalesce(func.sum(PointsEntry.points), 0)).where(PointsEntry.user_id == user_id)
    if region_code is not None:
        query = query.where(PointsEntry.region_code == region_code)
    return int(await session.scalar(query) or 0)


async def home_region(session: AsyncSession, user_id: int) -> str | None:
    """The region where the person earned most of their points (their deeds say where they live
    better than a question would); None before any points from a place."""
    row = await session.execute(
        select(PointsEntry.region_code, func.sum(PointsEntry.points).label("total"))
        .where(PointsEntry.user_id == user_id, PointsEntry.region_code.is_not(None))
        .group_by(PointsEntry.region_code)
        .order_by(func.sum(PointsEntry.points).desc(), func.max(PointsEntry.id).desc())
        .limit(1)
    )
    found = row.first()
    return found[0] if found and found[1] > 0 else None


def _totals(region_code: str | None, since: datetime | None, user_ids=None):
    query = select(PointsEntry.user_id, func.sum(PointsEntry.points).label("total"))
    if region_code is not None:
        query = query.where(PointsEntry.region_code == region_code)
    if since is not None:
        query = query.where(PointsEntry.created_at >= since)
    if user_ids is not None:
        query = query.where(PointsEntry.user_id.in_(user_ids))
    return query.group_by(PointsEntry.user_id).subquery()


async def rank_of(
    session: AsyncSession, user_id: int, region_code: str | None = None, since: datetime | None = None
) -> tuple[int, int] | None:
    """(rank, people ranked) of the person among everyone with points (in a region / since a
    time); None when the person has none there. Equal totals share a rank. One query: the totals
    are summed once (a CTE used twice is computed once)."""
    totals = _totals(region_code, since).element.cte("totals")
    mine = select(totals.c.total).where(totals.c.user_id == user_id).scalar_subquery()
    row = (
        await session.execute(
            select(
                mine,
                func.count().filter(totals.c.total > mine),
                func.count().filter(totals.c.total > 0),
            ).select_from(totals)
        )
    ).one()
    if not row[0] or row[0] <= 0:
        return None
    return int(row[1]) + 1, int(row[2])


@dataclass(frozen=True, slots=True)
class Standing:
    rank: int
    user_id: int
    total: int
    show_name: bool
    name: str | None
    region_code: str | None  # the person's home region, for "Volunteer from ..."


async def leaderboard(
    session: AsyncSession,
    *,
    region_code: str | None = None,
    since: datetime | None = None,
    user_ids=None,
    limit: int = 10,
) -> list[Standing]:
    """The top of a country, region or group of people (a club), all time or since a time."""
    totals = _totals(region_code, since, user_ids)
    rows = (
        await session.execute(
            select(totals.c.user_id, totals.c.total, PointsSettings.show_name, User.display_name)
            .join(User, User.id == totals.c.user_id)
            .outerjoin(PointsSettings, PointsSettings.user_id == totals.c.user_id)
            .where(totals.c.total > 0)
            .order_by(totals.c.total.desc(), totals.c.user_id)
            .limit(limit)
        )
    ).all()
    standings: list[Standing] = []
    rank, previous = 0, None
    for position, (uid, total, show, name) in enumerate(rows, start=1):
        if total != previous:
            rank, previous = position, total
        home = region_code or await home_region(session, uid)
        standings.append(Standing(rank, uid, int(total), bool(show), name, home))
    return standings


async def entries_of(session: AsyncSession, user_id: int) -> list[PointsEntry]:
    rows = await session.scalars(select(PointsEntry).where(PointsEntry.user_id == user_id).order_by(PointsEntry.id))
    return list(rows)
