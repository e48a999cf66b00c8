"""Helpers of the tree log's tests: plantings written straight to the database (for the screens
that show them), the person behind a chat, and the rows to assert on."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select

from bot.app import App
from bot.scheduler import run_job
from storage.models import Identity
from storage.trees import CaptureSource, TreeCapture, TreeCheckin, TreePlanting

ASTANA = (51.1282, 71.4306)
ALMATY = (43.2380, 76.9450)


async def user_id(app: App, external_id: str) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(Identity.user_id).where(Identity.external_id == external_id))


async def plant(
    app: App,
    owner: int | None,
    *,
    species: str = "elm",
    count: int = 10,
    planted_on: date = date(2026, 5, 30),
    region: str = "KZ-71",
    point: tuple[float, float] = ASTANA,
    logged_at: datetime | None = None,
    photo: str | None = None,
    alive: list[tuple[datetime, int | None]] = (),
) -> int:
    async with app.sessions() as s, s.begin():
        planting = TreePlanting(
            owner_id=owner,
            species=species,
            count=count,
            planted_on=planted_on,
            region_code=region,
            latitude=point[0],
            longitude=point[1],
            location_source="shared",
            created_at=logged_at or app.engine.clock(),
        )
        if photo:
            planting.captures.append(
                TreeCapture(captured_at=planting.created_at, source=CaptureSource.PLANTING, alive=count, photo_path=photo)
            )
        for at, n in alive:
            planting.captures.append(TreeCapture(captured_at=at, source=CaptureSource.CHECKIN, alive=n))
        s.add(planting)
        await s.flush()
        return planting.id


async def planting(app: App, planting_id: int) -> TreePlanting:
    async with app.sessions() as s:
        return await s.get(TreePlanting, planting_id)


async def checkins(app: App) -> list[TreeCheckin]:
    async with app.sessions() as s:
        return list((await s.scalars(select(TreeCheckin).order_by(TreeCheckin.id))).all())


async def count(app: App, model) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def run_checkins(app: App) -> str:
    """The check-in job now, and what it queued sent."""
    summary = await run_job(app, "trees")
    await app.sender.flush()
    return summary
