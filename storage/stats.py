"""The programme's figures for /stats and the region comparison: for the country or one region,
reports by status, days from report to cleaned, overdue and disputed reports, events and their
volunteers, bags and kilograms, trees and their survival, quiz players, and reports received and
cleaned per month. Counting is done by the database (grouped, indexed) so /stats stays fast on
millions of reports; see benchmarks/bench_stats.py."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Index, case, func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from storage.events import Event, EventStatus
from storage.moderation import ReportTriage
from storage.quiz import QuizRound
from storage.reports import OPEN_STATUSES, Report, ReportStatus
from storage.trees import TreePlanting, survival_rates

# The target time from report to cleaned. The reporter is asked "is it still there?" 30 days after
# confirmation (jobs/still_there.py); a dump not cleaned within a month of being reported is the
# lag the government names in public.
TARGET_DAYS = 30
MONTHS_SHOWN = 12
KZ_OFFSET = timedelta(hours=5)  # Kazakhstan: UTC+5, no daylight saving (since 1 March 2024)

# Indexes /stats needs beyond those of the reports' own queries (created by migration 0012):
# months of reports received over the whole country, overdue reports (open statuses reported
# before a time), and cleanings by time.
STATS_INDEXES = (
    Index("ix_reports_created", Report.created_at),
    Index("ix_reports_status_created", Report.status, Report.created_at),
    Index("ix_report_triage_cleaned", ReportTriage.cleaned_at, ReportTriage.report_id),
)


@dataclass
class Figures:
    region_code: str | None  # None: the whole country
    by_status: dict[str, int]
    # Cleaning times are of the reports cleaned in the last MONTHS_SHOWN months: the programme's
    # current pace, and a bounded amount of rows to read however long the bot has run.
    median_days_to_clean: float | None
    cleaned_recently: int
    overdue: int  # open, not disputed, reported more than TARGET_DAYS ago
    disputed: int
    cleaned_in_target: int  # of those cleaned recently, cleaned within TARGET_DAYS
    events_held: int
    volunteers: int
    bags: int
    kilograms: float
    trees_planted: int
    trees_checked: int  # trees of plantings with a known survival count
    trees_alive: int
    quiz_players: int | None  # the quiz has no region: None for a region
    months: list[tuple[str, int, int]] = field(default_factory=list)  # ("2026-05", received, cleaned)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def open(self) -> int:
        return sum(n for status, n in self.by_status.items() if status in OPEN_STATUSES)

    @property
    def cleaned(self) -> int:
        return self.by_status.get(ReportStatus.CLEANED, 0)

    @property
    def survival_rate(self) -> float | None:
        return self.trees_alive / self.trees_checked if self.trees_checked else None

    @property
    def share_in_target(self) -> float | None:
        return self.cleaned_in_target / self.cleaned_recently if self.cleaned_recently else None


def _month(session: AsyncSession, column):
    """The Kazakhstan calendar month of a UTC timestamp, in the session's dialect: a timestamp of
    the month's first day on PostgreSQL (date_trunc is cheaper than formatting every row), 'YYYY-MM'
    on SQLite. `_month_key` makes either a key."""
    if session.bind.dialect.name == "postgresql":
        return func.date_trunc("month", func.timezone("Asia/Almaty", column))
    return func.strftime("%Y-%m", column, "+5 hours")


def _month_key(value) -> str:
    return value if isinstance(value, str) else f"{value.year:04d}-{value.month:02d}"


def _month_keys(now: datetime, count: int) -> list[str]:
    """The last `count` months of Kazakhstan's calendar (UTC+5 all year), oldest first."""
    local = now + KZ_OFFSET
    year, month = local.year, local.month
    keys = []
    for _ in range(count):
        keys.append(f"{year:04d}-{month:02d}")
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return keys[::-1]


def _within_target(session: AsyncSession):
    """Cleaned within TARGET_DAYS of the report, in the session's dialect."""
    if session.bind.dialect.name == "postgresql":
        return func.extract("epoch", ReportTriage.cleaned_at - Report.created_at) <= TARGET_DAYS * 86400
    return func.julianday(ReportTriage.cleaned_at) - func.julianday(Report.created_at) <= TARGET_DAYS


@dataclass(frozen=True, slots=True)
class _Cleanings:
    median_days: float | None
    count: int
    in_target: int
    per_month: dict[str, int]


async def _cleanings(session: AsyncSession, where) -> _Cleanings:
    """Over the reports cleaned in the window: the median days from report to cleaned, how many,
    how many within TARGET_DAYS, and how many per month; one pass over the join (PostgreSQL groups
    by month and by nothing at once; SQLite's rows are few enough to count here)."""
    seconds = func.extract("epoch", ReportTriage.cleaned_at - Report.created_at)
    base = select().select_from(Report).join(ReportTriage, ReportTriage.report_id == Report.id).where(*where)
    if session.bind.dialect.name == "postgresql":
        month = _month(session, ReportTriage.cleaned_at)
        rows = (
            await session.execute(
                base.add_columns(
                    month,
                    func.percentile_cont(0.5).within_group(seconds),
                    func.count(),
                    func.count().filter(_within_target(session)),
                ).group_by(func.grouping_sets(tuple_(month), tuple_()))
            )
        ).all()
        per_month = {_month_key(m): int(n) for m, _median, n, _quick in rows if m is not None}
        total = next(((median, n, quick) for m, median, n, quick in rows if m is None), (None, 0, 0))
        median = None if total[0] is None else float(total[0]) / 86400
        return _Cleanings(median, int(total[1]), int(total[2]), per_month)
    rows = (await session.execute(base.add_columns(Report.created_at, ReportTriage.cleaned_at))).all()
    days = [(cleaned - created).total_seconds() / 86400 for created, cleaned in rows]
    per_month: dict[str, int] = {}
    for _created, cleaned in rows:
        key = _month_key(cleaned + KZ_OFFSET)
        per_month[key] = per_month.get(key, 0) + 1
    return _Cleanings(
        statistics.median(days) if days else None, len(days), sum(d <= TARGET_DAYS for d in days), per_month
    )


async def figures(session: AsyncSession, region_code: str | None, now: datetime) -> Figures:
    in_region = (Report.region_code == region_code,) if region_code else ()
    by_status = {
        status: int(n)
        for status, n in (
            await session.execute(select(Report.status, func.count()).where(*in_region).group_by(Report.status))
        ).all()
    }
    since = now - timedelta(days=31 * MONTHS_SHOWN)
    recent = (*in_region, Report.status == ReportStatus.CLEANED, ReportTriage.cleaned_at >= since)
    cleanings = await _cleanings(session, recent)
    target = timedelta(days=TARGET_DAYS)
    overdue_statuses = [s for s in OPEN_STATUSES if s != ReportStatus.DISPUTED]
    overdue = await session.scalar(
        select(func.count()).where(*in_region, Report.status.in_(overdue_statuses), Report.created_at < now - target)
    )
    in_events = (Event.region_code == region_code,) if region_code else ()
    held = (
        await session.execute(
            select(
                func.count(Event.id),
                func.coalesce(func.sum(Event.attended), 0),
                func.coalesce(func.sum(Event.bags), 0),
                func.coalesce(func.sum(Event.kilograms), 0.0),
            ).where(*in_events, Event.results_at.is_not(None), Event.status != EventStatus.CANCELLED)
        )
    ).one()
    in_trees = (TreePlanting.region_code == region_code,) if region_code else ()
    planted = await session.scalar(select(func.coalesce(func.sum(TreePlanting.count), 0)).where(*in_trees))
    rates = await survival_rates(session, "region", region=region_code)
    quiz_players = None
    if region_code is None:
        quiz_players = int(await session.scalar(select(func.count(func.distinct(QuizRound.user_id)))) or 0)
    received_month = _month(session, Report.created_at)
    received = {
        _month_key(month): int(n)
        for month, n in (
            await session.execute(
                select(received_month, func.count()).where(*in_region, Report.created_at >= since).group_by(received_month)
            )
        ).all()
    }
    months = [(key, received.get(key, 0), cleanings.per_month.get(key, 0)) for key in _month_keys(now, MONTHS_SHOWN)]
    return Figures(
        region_code=region_code,
        by_status=by_status,
        median_days_to_clean=cleanings.median_days,
        cleaned_recently=cleanings.count,
        overdue=int(overdue or 0),
        disputed=by_status.get(ReportStatus.DISPUTED, 0),
        cleaned_in_target=cleanings.in_target,
        events_held=int(held[0]),
        volunteers=int(held[1]),
        bags=int(held[2]),
        kilograms=float(held[3]),
        trees_planted=int(planted or 0),
        trees_checked=sum(r.planted for r in rates),
        trees_alive=sum(r.alive for r in rates),
        quiz_players=quiz_players,
        months=months,
    )


@dataclass(frozen=True, slots=True)
class RegionStanding:
    region_code: str
    open: int
    cleaned: int
    cleaned_in_target: int

    def open_per_100k(self, population: int) -> float:
        return self.open * 100_000 / population if population else 0.0

    @property
    def share_in_target(self) -> float:
        return self.cleaned_in_target / self.cleaned if self.cleaned else 0.0


async def region_standings(session: AsyncSession, now: datetime) -> dict[str, RegionStanding]:
    """Open reports, and reports cleaned in the last MONTHS_SHOWN months with those cleaned within
    the target time, per region, in two grouped queries."""
    open_rows = dict(
        (
            await session.execute(
                select(Report.region_code, func.count())
                .where(Report.status.in_(OPEN_STATUSES))
                .group_by(Report.region_code)
            )
        ).all()
    )
    quick = _within_target(session)
    cleaned_rows = (
        await session.execute(
            select(Report.region_code, func.count(), func.sum(case((quick, 1), else_=0)))
            .join(ReportTriage, ReportTriage.report_id == Report.id)
            .where(Report.status == ReportStatus.CLEANED, ReportTriage.cleaned_at >= now - timedelta(days=31 * MONTHS_SHOWN))
            .group_by(Report.region_code)
        )
    ).all()
    cleaned = {code: (int(n), int(q or 0)) for code, n, q in cleaned_rows}
    codes = set(open_rows) | set(cleaned)
    return {
        code: RegionStanding(code, int(open_rows.get(code, 0)), *cleaned.get(code, (0, 0))) for code in codes
    }
