"""The other deeds: a check-in pays once and is taken back when the event is cancelled; accepted
bags pay per bag; correct quiz answers pay up to the cap of a Kazakhstan day, each answer once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

from sqlalchemy import select

from handlers.points.ledger import award_correct
from storage.models import User
from storage.points import QUIZ_CORRECT_PER_DAY, PointsEntry
from tests.events.support import MEETING, make_event, user_id
from tests.support.chat import Chat, texts


async def entries(app, uid: int) -> list[tuple[str, str, int]]:
    async with app.sessions() as s:
        rows = await s.scalars(select(PointsEntry).where(PointsEntry.user_id == uid).order_by(PointsEntry.id))
        return [(e.deed, e.ref, e.points) for e in rows]


async def test_check_in_pays_once_and_a_cancelled_event_takes_it_back(app, clock) -> None:
    admin = Chat(app, "admin")
    await admin.onboard()
    event = await make_event(app, starts_in=timedelta(minutes=20), organiser=await user_id(app, admin))
    asel = Chat(app, "asel")
    await asel.onboard()
    await asel.press(f"ev:join:{event}", None)
    await asel.press(f"ev:checkin:{event}", None)
    await asel.location(*MEETING)
    await asel.press(f"ev:checkin:{event}", None)  # again: "already checked in"
    asel_id = await user_id(app, asel)
    assert await entries(app, asel_id) == [("event_attended", str(event), 20)]
    await admin.press(f"evo:cancel:{event}", None)
    assert "cancelled" in texts(await admin.click("Yes, cancel the event"))
    assert await entries(app, asel_id) == [("event_attended", str(event), 20), ("event_attended", str(event), -20)]


async def test_accepted_bags_pay_per_bag(app, clock) -> None:
    admin = Chat(app, "admin")
    await admin.onboard()
    event = await make_event(app, starts_in=timedelta(minutes=20), organiser=await user_id(app, admin))
    daniyar = Chat(app, "daniyar")
    await daniyar.onboard()
    await daniyar.press(f"ev:join:{event}", None)
    clock.advance(hours=4)
    await daniyar.press(f"ev:bags:{event}", None)
    await daniyar.send("3")
    await admin.click("Accept")
    await admin.click("Accept")  # a second press: "already decided"
    rows = await entries(app, await user_id(app, daniyar))
    assert [(deed, points) for deed, _ref, points in rows] == [("bags_accepted", 6)]


async def test_quiz_answers_are_capped_per_kazakhstan_day(app) -> None:
    told: list[int] = []

    async def to_user(uid, make):  # badges: recorded, not sent
        told.append(uid)

    late_evening = datetime(2026, 6, 1, 18, 30, tzinfo=timezone.utc)  # 23:30 in Kazakhstan
    async with app.sessions() as s, s.begin():
        user = User(display_name="Q", language="en", created_at=late_evening)
        s.add(user)
        await s.flush()
        ctx = SimpleNamespace(session=s, user=user, now=late_evening, notifier=SimpleNamespace(to_user=to_user))
        for index in range(QUIZ_CORRECT_PER_DAY + 5):
            await award_correct(ctx, 1, index)
        await award_correct(ctx, 1, 0)  # the same answer again (a redelivered poll answer)
        ctx.now = late_evening + timedelta(minutes=45)  # 00:15 in Kazakhstan: a new day
        await award_correct(ctx, 2, 0)
        uid = user.id
    rows = await entries(app, uid)
    assert sum(p for _d, _r, p in rows) == QUIZ_CORRECT_PER_DAY + 1
    assert len({ref for _d, ref, _p in rows}) == len(rows)  # each answer at most once
    assert told == [uid]  # the badge of 10 points, announced once


async def test_trees_alive_at_six_months_pay_per_tree(app, clock) -> None:
    from datetime import date

    from tests.support import images
    from tests.trees.support import plant, run_checkins
    from tests.trees.support import user_id as tree_user_id

    alice = Chat(app, "alice")
    await alice.onboard("Қазақша")
    uid = await tree_user_id(app, "alice")
    pid = await plant(app, uid, count=10, planted_on=date(2026, 5, 31))
    clock.advance(days=185)
    await run_checkins(app)
    await alice.press(f"treecheck:answer:{pid}:6", None)
    await alice.send("8")
    await alice.photo(images.jpeg(9))
    await alice.press(f"treecheck:answer:{pid}:6", None)  # answered already: nothing more
    assert await entries(app, uid) == [("trees_alive", f"{pid}:6", 40)]
