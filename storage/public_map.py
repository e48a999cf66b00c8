"""What the public web page and map read: report points in a box (filtered by the database on the
indexed latitude/longitude), upcoming events, tree plantings, and one report's public record.

Only public columns are selected here: never the reporter, the comment, the typed address nor a
moderator's note, so nothing personal can reach the page by accident. Rejected reports are not
published (storage.reports.PUBLISHED_STATUSES)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.events import Event, EventStatus
from storage.moderation import FollowUpPhoto, ReportFollowUpPhoto
from storage.public_photos import PHOTO_PUBLIC_STATUSES, public_photo_path
from storage.reports import (
    PUBLIC_GRID_DEGREES,
    PUBLISHED_STATUSES,
    Report,
    ReportPhoto,
    ReportStatusChange,
)
from storage.trees import TreePlanting

# Newest first; the answer says when more matched, and the map then asks again for the box in
# view as the reader zooms in. 5,000 points are ~0.7 MB of GeoJSON (~60 kB gzipped) and cluster
# smoothly in a phone's browser; see benchmarks/bench_geojson.py for the build times.
MAX_POINTS = 5_000
MAX_EVENTS = 2_000
MAX_PLANTINGS = 5_000
TREE_DECIMALS = 3  # ~100 m: a planting may be in someone's yard


@dataclass(frozen=True, slots=True)
class BBox:
    """west, south, east, north in degrees (GeoJSON's order)."""

    west: float
    south: float
    east: float
    north: float


@dataclass(frozen=True, slots=True)
class ReportPoint:
    id: int
    status: str
    region_code: str
    latitude: float
    longitude: float


async def report_points(
    session: AsyncSession,
    *,
    bbox: BBox | None = None,
    region: str | None = None,
    statuses: frozenset[str] = frozenset(),
    limit: int = MAX_POINTS,
) -> tuple[list[ReportPoint], bool]:
    """Published reports with a point, newest first, at most `limit`; and whether more matched.
    The box is widened by one public grid cell, since an unmoderated report is shown at its cell's
    centre (the caller keeps the points whose public position falls inside)."""
    wanted = [s for s in PUBLISHED_STATUSES if not statuses or s in statuses]
    query = select(Report.id, Report.status, Report.region_code, Report.latitude, Report.longitude).where(
        Report.status.in_(wanted), Report.latitude.is_not(None), Report.longitude.is_not(None)
    )
    if bbox is not None:
        margin = PUBLIC_GRID_DEGREES * 2
        query = query.where(
            Report.latitude.between(bbox.south - margin, bbox.north + margin),
            Report.longitude.between(bbox.west - margin, bbox.east + margin),
        )
    if region:
        query = query.where(Report.region_code == region)
    rows = (await session.execute(query.order_by(Report.id.desc()).limit(limit + 1))).all()
    return [ReportPoint(*row) for row in rows[:limit]], len(rows) > limit


async def upcoming_events(session: AsyncSession, now: datetime, limit: int = MAX_EVENTS) -> list[Event]:
    query = (
        select(Event)
        .where(Event.status == EventStatus.SCHEDULED, Event.ends_at > now)
        .order_by(Event.starts_at, Event.id)
        .limit(limit)
    )
    return list(await session.scalars(query))


@dataclass(frozen=True, slots=True)
class PlantingPoint:
    species: str
    species_name: str | None
    count: int
    planted_on: date
    latitude: float
    longitude: float


async def planting_points(session: AsyncSession, limit: int = MAX_PLANTINGS) -> list[PlantingPoint]:
    """Tree plantings, newest first, their points rounded to ~100 m; no owner, no note."""
    rows = (
        await session.execute(
            select(
                TreePlanting.species,
                TreePlanting.species_name,
                TreePlanting.count,
                TreePlanting.planted_on,
                TreePlanting.latitude,
                TreePlanting.longitude,
            )
            .order_by(TreePlanting.id.desc())
            .limit(limit)
        )
    ).all()
    return [
        PlantingPoint(s, n, c, d, round(lat, TREE_DECIMALS), round(lon, TREE_DECIMALS)) for s, n, c, d, lat, lon in rows
    ]


@dataclass(frozen=True, slots=True)
class PublicRecord:
    """One report as the public sees it."""

    id: int
    status: str
    region_code: str
    district_pcode: str | None
    waste_types: list[str]
    size: str | None
    created_at: datetime
    history: list[tuple[str, datetime]]  # (new status, when), oldest first
    before: list[str]  # public copies (relative to MEDIA_DIR) of the report's photos
    after: list[str]  # public copies of the "after" photos


async def public_record(session: AsyncSession, report_id: int) -> PublicRecord | None:
    """None for a report that does not exist or is not published. Photos only once a moderator
    has confirmed the report, and only their public (blurred) copies."""
    report = await session.get(Report, report_id)
    if report is None or report.status not in PUBLISHED_STATUSES:
        return None
    history = (
        await session.execute(
            select(ReportStatusChange.new_status, ReportStatusChange.changed_at)
            .where(ReportStatusChange.report_id == report_id)
            .order_by(ReportStatusChange.id)
        )
    ).all()
    before: list[str] = []
    after: list[str] = []
    if report.status in PHOTO_PUBLIC_STATUSES:
        originals = await session.scalars(
            select(ReportPhoto.path).where(ReportPhoto.report_id == report_id).order_by(ReportPhoto.position, ReportPhoto.id)
        )
        before = [p for path in originals.all() if (p := await public_photo_path(session, path))]
        follow_ups = await session.scalars(
            select(ReportFollowUpPhoto.path)
            .where(ReportFollowUpPhoto.report_id == report_id, ReportFollowUpPhoto.kind == FollowUpPhoto.AFTER)
            .order_by(ReportFollowUpPhoto.id)
        )
        after = [p for path in follow_ups.all() if (p := await public_photo_path(session, path))]
    return PublicRecord(
        id=report.id,
        status=report.status,
        region_code=report.region_code,
        district_pcode=report.district_pcode,
        waste_types=list(report.waste_types or []),
        size=report.size,
        created_at=report.created_at,
        history=[(status, at) for status, at in history],
        before=before,
        after=after,
    )
