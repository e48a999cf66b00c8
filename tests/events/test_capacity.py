"""Never more participants than places, also when sign-ups and cancels race each other: many
sessions at once, on SQLite and on PostgreSQL; the waitlist moves up in order. The CHECK
constraint refuses an over-full event even when the application's own check is bypassed."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from storage.db import create_engine, session_factory
from storage.events import Event, EventSignup, SignupStatus, cancel_signup, sign_up
from storage.models import User
from tests.events.support import make_event

PEOPLE = 30
CAPACITY = 5


async def make_users(sessions, n: int) -> list[int]:
    async with sessions() as session, session.begin():
        users = [User(display_name=f"v{i}") for i in range(n)]
        session.add_all(users)
        await session.flush()
        return [u.id for u in users]


async def check_invariants(sessions, event_id: int) -> tuple[int, int]:
    async with sessions() as session:
        event = await session.get(Event, event_id)
        counts = dict(
            (
                await session.execute(
                    select(EventSignup.status, func.count()).where(EventSignup.event_id == event_id).group_by(EventSignup.status)
                )
            ).all()
        )
    going, waiting = counts.get(SignupStatus.GOING, 0), counts.get(SignupStatus.WAITING, 0)
    assert going <= event.capacity and event.taken == going
    if waiting:
        assert going == event.capacity  # nobody waits while a place is free
    return going, waiting


async def test_concurrent_sign_ups_and_cancels(app) -> None:
    event_id = await make_event(app, capacity=CAPACITY)
    # One engine per person: separate connections, as separate bot steps would have.
    engines = [create_engine(app.settings.DATABASE_URL) for _ in range(8)]
    pools = [session_factory(e) for e in engines]
    users = await make_users(app.sessions, PEOPLE)
    now = app.engine.clock()

    async def step(i: int, action) -> None:
        for attempt in range(20):
            try:
                async with pools[i % len(pools)]() as session, session.begin():
                    await action(session)
                return
            except Exception as exc:  # a deadlock or serialisation failure is retried, never lost
                if attempt == 19 or "locked" not in str(exc) and "deadlock" not in str(exc):
                    raise
                await asyncio.sleep(0.01 * (attempt + 1))

    try:
        await asyncio.gather(
            *(step(i, lambda s, u=u: sign_up(s, event_id, u, now, waitlist=True)) for i, u in enumerate(users))
        )
        going, waiting = await check_invariants(app.sessions, event_id)
        assert (going, waiting) == (CAPACITY, PEOPLE - CAPACITY)
        rng = random.Random(7)
        leaving = rng.sample(users, 12)
        late = await make_users(app.sessions, 10)
        actions = [lambda s, u=u: cancel_signup(s, event_id, u, now) for u in leaving]
        actions += [lambda s, u=u: sign_up(s, event_id, u, now, waitlist=True) for u in late]
        rng.shuffle(actions)
        await asyncio.gather(*(step(i, a) for i, a in enumerate(actions)))
        going, waiting = await check_invariants(app.sessions, event_id)
        assert going == CAPACITY and waiting == PEOPLE - 12 + 10 - CAPACITY
    finally:
        for engine in engines:
            await engine.dispose()


async def test_waitlist_order_is_kept(app, clock) -> None:
    event_id = await make_event(app, capacity=1)
    users = await make_users(app.sessions, 4)
    for user in users:
        async with app.sessions() as session, session.begin():
            await sign_up(session, event_id, user, clock(), waitlist=True)
        clock.advance(seconds=1)
    async with app.sessions() as session, session.begin():
        result = await cancel_signup(session, event_id, users[0], clock())
    assert result.promoted_user_id == users[1]
    async with app.sessions() as session, session.begin():
        result = await cancel_signup(session, event_id, users[2], clock())  # a waiting one leaves
    assert result.was == SignupStatus.WAITING and result.promoted_user_id is None
    async with app.sessions() as session, session.begin():
        result = await cancel_signup(session, event_id, users[1], clock())
    assert result.promoted_user_id == users[3]


async def test_database_refuses_more_than_capacity(app) -> None:
    event_id = await make_event(app, capacity=2)
    with pytest.raises(IntegrityError):
        async with app.sessions() as session, session.begin():
            await session.execute(update(Event).where(Event.id == event_id).values(taken=3))
    with pytest.raises(IntegrityError):
        async with app.sessions() as session, session.begin():
            await session.execute(update(Event).where(Event.id == event_id).values(capacity=0))
