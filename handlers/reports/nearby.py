"""Open reports near a point: the one search behind the chat's "is it the same dump?", the Open311
POST and the urgent card's list of reports near it. A module of its own, with nothing above it, so
that every one of them may import it."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.services import GeoService
from storage.reports import OPEN_STATUSES, Report

DUPLICATE_RADIUS_M = 50.0


async def open_reports_near(
    session: AsyncSession, geo: GeoService, lat: float, lon: float, radius_m: float, *conditions: Any
) -> list[tuple[float, Report]]:
    """The open reports within `radius_m` of the point (and matching `conditions`), with their
    distances, nearest first: a box the database can use, then the geodesic distance."""
    dlat = radius_m / 111_000 * 1.2
    dlon = dlat / max(math.cos(math.radians(lat)), 0.01)
    nearby = (
        await session.scalars(
            select(Report).where(
                Report.latitude.between(lat - dlat, lat + dlat),
                Report.longitude.between(lon - dlon, lon + dlon),
                Report.status.in_(OPEN_STATUSES),
                *conditions,
            )
        )
    ).all()
    scored = [(geo.distance_m((lat, lon), (r.latitude, r.longitude)), r) for r in nearby]
    return sorted(((d, r) for d, r in scored if d <= radius_m), key=lambda pair: (pair[0], pair[1].id))


async def nearest_open(session: AsyncSession, geo: GeoService, lat: float, lon: float) -> tuple[float, Report] | None:
    """The nearest open report within DUPLICATE_RADIUS_M, with its distance; never an urgent one
    (nothing is merged into it silently: its moderators see both). Shared by the chat's "is it the
    same dump?" and the Open311 POST."""
    near = await open_reports_near(session, geo, lat, lon, DUPLICATE_RADIUS_M, Report.urgent.is_(False))
    return near[0] if near else None
