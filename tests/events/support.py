"""Shared pieces of the events tests: places, an event written straight to the database, and the
organiser's conversation that creates one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from storage.events import Event, EventSignup, SignupStatus
from storage.models import User
from tests.support.chat import Chat

ASTANA = (51.1282, 71.4306)
MEETING = (51.1300, 71.4300)  # about 200 m from ASTANA
ALMATY = (43.2389, 76.8897)
BISHKEK = (42.8746, 74.5698)  # Kyrgyzstan


async def make_event(
    app: App,
    *,
    title: str = "Clean the Esil embankment",
    point: tuple[float, float] = MEETING,
    region: str = "KZ-71",
    starts_in: timedelta = timedelta(days=3),
    hours: float = 3,
    capacity: int = 10,
    organiser: int | None = None,
) -> int:
    now = app.engine.clock()
    async with app.sessions() as session, session.begin():
        event = Event(
            title=title,
            description="We clean the riverside path together.",
            latitude=point[0],
            longitude=point[1],
            region_code=region,
            district_pcode=None,
            starts_at=now + starts_in,
            ends_at=now + starts_in + timedelta(hours=hours),
            capacity=capacity,
            taken=0,
            bring="gloves",
            organiser_id=organiser,
            created_at=now,
            updated_at=now,
        )
        session.add(event)
        await session.flush()
        return event.id


async def going(app: App, event_id: int) -> list[int]:
    async with app.sessions() as session:
        rows = await session.scalars(
            select(EventSignup.user_id).where(EventSignup.event_id == event_id, EventSignup.status == SignupStatus.GOING)
        )
        return list(rows)


async def statuses(app: App, event_id: int) -> dict[str, str]:
    """Each person's sign-up status, by display name."""
    async with app.sessions() as session:
        rows = await session.execute(
            select(User.display_name, EventSignup.status)
            .join(User, User.id == EventSignup.user_id)
            .where(EventSignup.event_id == event_id)
        )
        return {name: status for name, status in rows.all()}


async def event_row(app: App, event_id: int) -> Event:
    async with app.sessions() as session:
        event = await session.get(Event, event_id)
        assert event is not None
        return event


async def count(app: App, model) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def user_id(app: App, chat: Chat) -> int:
    async with app.sessions() as session:
        return int(await session.scalar(select(User.id).where(User.display_name == (chat.display_name or chat.user.title()))))

