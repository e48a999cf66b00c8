"""Shared pieces of the sites tests: sites loaded as the import command loads them, people who
shared a location, and the moderators of Almaty."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from bot.scheduler import run_job
from handlers.sites.importing import import_sites, parse
from storage.models import Identity
from storage.reports import Report
from tests.support.chat import Chat

ALMATY = "KZ-75"
SITE = (43.2380, 76.9450)  # a site to verify in Almaty
OTHER_SITE = (43.3000, 76.8500)  # another, about 9 km from the first
LANGUAGE_BUTTONS = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def metres_north(point: tuple[float, float], metres: float) -> tuple[float, float]:
    return point[0] + metres / 111_195.0, point[1]


async def add_sites(app, now: datetime, rows: list[tuple[str, tuple[float, float]]], source: str = "kazcosmos") -> list[int]:
    """Sites as a CSV import makes them: (source id, point), detected on 1 June 2025."""
    text = "lat,lon,source_id,detected,area_m2\n" + "".join(
        f"{lat},{lon},{key},2025-06-01,1500\n" for key, (lat, lon) in rows
    )
    parsed = parse(text, "sites.csv")
    async with app.sessions() as s, s.begin():
        result = await import_sites(s, app.engine.router.services["geo"], parsed.rows, source, now)
    assert result.added == len(rows), result
    async with app.sessions() as s:
        return list(await s.scalars(select(Report.id).where(Report.origin == "satellite").order_by(Report.id)))


async def person(app, name: str, language: str = "en", at: tuple[float, float] | None = None) -> Chat:
    """Someone at the main menu who (optionally) shared their location there."""
    chat = Chat(app, name)
    await chat.onboard(LANGUAGE_BUTTONS[language])
    if at is not None:
        await chat.location(*at)
    chat.seen = len(chat.history)
    return chat


async def user_id(app, name: str) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(Identity.user_id).where(Identity.external_id == name))


async def invite(app) -> str:
    summary = await run_job(app, "site_invitations")
    await app.sender.flush()
    return summary


async def moderator(app, name: str = "mod", region: str = "Almaty", language: str = "en") -> Chat:
    admin = Chat(app, "admin")
    await admin.onboard("English")
    await admin.send(f"/addmoderator console:{name} {region}")
    chat = Chat(app, name)
    await chat.onboard(LANGUAGE_BUTTONS[language])
    chat.seen = len(chat.history)
    return chat
