"""Invitations to verify sites detected from space: once an hour, people who shared a location within
INVITE_RADIUS_M of a site to verify in the last 30 days, or reported a dump that close in the last
year, are asked to look at the nearest one (the distance and a map link; handlers.sites.invite).

Each person at most once a week, never between 22:00 and 08:00 Kazakhstan time (the run does
nothing then), never again after «Don't ask me again», never about a site they already looked at;
at most PER_SITE_PER_RUN people per site and run (two looks decide a site) and MAX_PER_RUN in all,
so that the outbox sends a run's invitations within the platforms' limits in a few minutes. The
choice and the invitations are one transaction with their outbox rows: a crash sends none or all,
and a second run in the same week finds everybody invited already. Shared locations older than 30
days are deleted here as well (they are kept only to find people near a site)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import or_, select

from handlers.i18n import KZ_TZ
from handlers.services import GEO
from handlers.sites.invite import invitation
from jobs.base import Job, JobContext
from storage.reports import Origin, Report, ReportStatus
from storage.sites import LOCATION_DAYS, SharedLocation, SiteVerification, SiteVerifier, forget_old_locations, mark_invited

INVITE_RADIUS_M = 5_000.0  # "a few km": a walk or a short ride
REPORTED_NEAR_DAYS = 365
EVERY = timedelta(days=7)
QUIET_FROM, QUIET_UNTIL = 22, 8  # Kazakhstan's hours
PER_SITE_PER_RUN = 5
MAX_PER_RUN = 2_000
EARTH_M = 6_371_008.8
M_PER_DEGREE = 111_195.0
WIDEST_LAT = 56.0  # Kazakhstan reaches 55.4° N: a longitude cell is widest in metres there

Point = tuple[int, float, float]  # (user or site id, latitude, longitude)


@dataclass(frozen=True, slots=True)
class Invitation:
    user_id: int
    site_id: int
    meters: float


def quiet_hours(now: datetime) -> bool:
    hour = now.astimezone(KZ_TZ).hour
    return hour >= QUIET_FROM or hour < QUIET_UNTIL


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = math.sin((p2 - p1) / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    return 2 * EARTH_M * math.asin(min(1.0, math.sqrt(a)))


def choose_invitations(
    sites: Sequence[Point],
    people: Iterable[Point],
    *,
    radius_m: float = INVITE_RADIUS_M,
    per_site: int = PER_SITE_PER_RUN,
    limit: int = MAX_PER_RUN,
    looked: frozenset[tuple[int, int]] | set[tuple[int, int]] = frozenset(),
) -> list[Invitation]:
    """Each person's nearest site within `radius_m` (from any of their points) that they have not
    looked at; then the nearest pairs first, `per_site` per site and `limit` in all. Sites are put
    in a grid of cells as wide as the radius, so each point is compared with the sites of the 3×3
    cells around it only, not with every site."""
    cell_lat = radius_m / M_PER_DEGREE
    cell_lon = cell_lat / math.cos(math.radians(WIDEST_LAT))
    grid: dict[tuple[int, int], list[Point]] = defaultdict(list)
    for site in sites:
        grid[math.floor(site[1] / cell_lat), math.floor(site[2] / cell_lon)].append(site)
    best: dict[int, tuple[float, int]] = {}
    for user_id, lat, lon in people:
        row, col = math.floor(lat / cell_lat), math.floor(lon / cell_lon)
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                for site_id, slat, slon in grid.get((row + dr, col + dc), ()):
                    if (user_id, site_id) in looked:
                        continue
                    meters = haversine_m(lat, lon, slat, slon)
                    if meters <= radius_m and (user_id not in best or meters < best[user_id][0]):
                        best[user_id] = (meters, site_id)
    chosen: list[Invitation] = []
    per: dict[int, int] = defaultdict(int)
    for user_id, (meters, site_id) in sorted(best.items(), key=lambda item: (item[1][0], item[0])):
        if per[site_id] >= per_site:
            continue
        per[site_id] += 1
        chosen.append(Invitation(user_id, site_id, meters))
        if len(chosen) >= limit:
            break
    return chosen


async def _people(session, now: datetime) -> list[Point]:
    """Where people are known to be: their latest shared location, and dumps they reported."""
    shared = await session.execute(
        select(SharedLocation.user_id, SharedLocation.latitude, SharedLocation.longitude).where(
            SharedLocation.shared_at >= now - timedelta(days=LOCATION_DAYS)
        )
    )
    reported = await session.execute(
        select(Report.reporter_id, Report.latitude, Report.longitude).where(
            Report.reporter_id.is_not(None),
            Report.latitude.is_not(None),
            Report.origin == Origin.CITIZEN,
            Report.created_at >= now - timedelta(days=REPORTED_NEAR_DAYS),
        )
    )
    return [tuple(row) for row in shared.all()] + [tuple(row) for row in reported.all()]  # type: ignore[misc]


async def _not_now(session, now: datetime) -> set[int]:
    """People not to ask: they said "don't ask me", or were asked within the week."""
    rows = await session.scalars(
        select(SiteVerifier.user_id).where(
            or_(SiteVerifier.opted_out_at.is_not(None), SiteVerifier.last_invited_at > now - EVERY)
        )
    )
    return set(rows.all())


async def run(job: JobContext) -> str:
    now = job.clock()
    if quiet_hours(now):
        return "quiet hours in Kazakhstan (22:00-08:00): nobody invited"
    async with job.sessions() as session, session.begin():
        await forget_old_locations(session, now)
        sites = [
            tuple(row)
            for row in (
                await session.execute(
                    select(Report.id, Report.latitude, Report.longitude).where(
                        Report.status == ReportStatus.TO_VERIFY, Report.latitude.is_not(None)
                    )
                )
            ).all()
        ]
        if not sites:
            return "no site to verify"
        skip = await _not_now(session, now)
        people = [p for p in await _people(session, now) if p[0] not in skip]
        looked = set((await session.execute(select(SiteVerification.user_id, SiteVerification.report_id))).all())
        chosen = choose_invitations(sites, people, looked=looked)  # type: ignore[arg-type]
        if not chosen:
            return f"nobody to invite near {len(sites)} sites to verify"
        reports = {
            r.id: r for r in await session.scalars(select(Report).where(Report.id.in_({c.site_id for c in chosen})))
        }
        geo = job.services[GEO]
        notify = job.notifier(session, now)
        # Distances rounded to 100 m: one message is built per site, distance and language.
        sent = await notify.to_users(
            [(c.user_id, (c.site_id, max(round(c.meters, -2), 100.0))) for c in chosen],
            lambda tr, key: invitation(tr, geo, reports[key[0]], key[1]),
        )
        await mark_invited(session, [(c.user_id, c.site_id) for c in chosen], now)
    job.wake_sender()
    return f"invited {sent} people to verify {len({c.site_id for c in chosen})} of {len(sites)} sites to verify"


JOBS = [
    Job(
        "site_invitations",
        "invite people near sites detected from space to verify them (not at night, once a week each)",
        lambda settings: IntervalTrigger(hours=1),
        run,
    )
]
