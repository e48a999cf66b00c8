"""Eco-points as moderators and citizens earn them: a confirmed report gives its reporter points
once, whatever is pressed twice or delivered twice; a rejection takes them back in the ledger; a
badge is announced once; an event's check-in counts until the event is cancelled."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.scheduler import run_job
from handlers.types import Incoming, Kind
from storage import points as store
from storage.points import PointsEntry, PointsSettings
from tests.moderation.test_moderation import ALMATY, GROUP, Member, add_report, reporter, setup  # noqa: F401
from tests.support.chat import texts


async def ledger_of(app, user_id: int) -> list[tuple[str, str, int, int]]:
    async with app.sessions() as s:
        rows = await s.scalars(select(PointsEntry).where(PointsEntry.user_id == user_id).order_by(PointsEntry.id))
        return [(e.deed, e.ref, e.seq, e.points) for e in rows]


async def user_id_of(app, name: str) -> int:
    from storage.models import Identity

    async with app.sessions() as s:
        return await s.scalar(select(Identity.user_id).where(Identity.external_id == name))


async def test_confirmation_counts_once_under_double_presses_and_redelivery(app, setup) -> None:
    ids = setup["ids"]
    await run_job(app, "handover")
    await app.sender.flush()
    mod = Member(app, GROUP, "mod")
    aigerim = await user_id_of(app, "aigerim")
    press = Incoming(
        channel="console", chat_id=GROUP, sender_id="mod", update_key="same-update", kind=Kind.CHOICE,
        choice=f"mod:ok:{ids['aigerim']}", display_name="mod", is_group=True,
    )
    await app.engine.receive(press)
    await app.engine.receive(press)  # Telegram delivers the update again after a restart
    again = await mod.press(f"mod:ok:{ids['aigerim']}")  # the moderator presses a second time
    assert texts(again).count("is now «confirmed»") == 1 and "already «confirmed»" in texts(again)
    assert await ledger_of(app, aigerim) == [("report_confirmed", str(ids["aigerim"]), 0, 10)]
    await app.sender.flush()
    badge = [r for r in setup["aigerim"].history if "10" in r.text and "эко-ұпай" in r.text]
    assert len(badge) == 1  # 10 points: the first badge, in Kazakh, once

    # Rejected after all: the points are taken back by a negative entry, the first one stays.
    await mod.press(f"mod:rr:{ids['aigerim']}:spam")
    assert await ledger_of(app, aigerim) == [
        ("report_confirmed", str(ids["aigerim"]), 0, 10),
        ("report_confirmed", str(ids["aigerim"]), 1, -10),
    ]
    async with app.sessions() as s:
        assert await store.total_of(s, aigerim) == 0
        assert (await s.get(PointsSettings, aigerim)).badge == 10  # announced once, not taken back
    # A rejected report that was never confirmed earns nothing and writes nothing.
    await mod.press(f"mod:rr:{ids['boris']}:spam")
    assert await ledger_of(app, await user_id_of(app, "boris")) == []


async def test_settle_is_idempotent_and_races_append_once(app) -> None:
    from datetime import datetime, timezone

    from storage.models import User

    now = datetime(2026, 5, 1, tzinfo=timezone.utc)
    async with app.sessions() as s, s.begin():
        user = User(display_name="A", language="en", created_at=now)
        s.add(user)
        await s.flush()
        uid = user.id
    async with app.sessions() as a, app.sessions() as b:
        async with a.begin():
            assert await store.settle(a, uid, store.Deed.EVENT_ATTENDED, 7, 20, ALMATY, now) == 20
        async with b.begin():
            assert await store.settle(b, uid, store.Deed.EVENT_ATTENDED, 7, 20, ALMATY, now) == 0
    async with app.sessions() as s, s.begin():
        # Two writers that both computed seq 1: the unique key lets one entry in.
        row = dict(user_id=uid, deed="event_attended", ref="7", seq=1, points=-20, region_code=ALMATY, created_at=now)
        from storage.db import insert_ignoring_conflicts

        first = await s.execute(insert_ignoring_conflicts(s, PointsEntry.__table__), row)
        second = await s.execute(insert_ignoring_conflicts(s, PointsEntry.__table__), row)
        assert (first.rowcount, second.rowcount) == (1, 0)
        assert await s.scalar(select(func.count()).select_from(PointsEntry)) == 2
        assert await store.total_of(s, uid) == 0


async def test_still_there_then_cleaned_pays_and_a_dispute_takes_it_back(app, setup, clock) -> None:
    from tests.moderation.test_moderation import confirm_almaty_reports
    from tests.support import images

    ids = setup["ids"]
    mod = await confirm_almaty_reports(app, ids)
    clock.advance(days=31)
    await run_job(app, "still_there")
    await app.sender.flush()
    aigerim = setup["aigerim"]
    await aigerim.press(f"still:{ids['aigerim']}:photo", None)
    await aigerim.photo(images.jpeg(seed=93))
    await mod.press(f"mod:done:{ids['aigerim']}")
    await mod.photo(images.jpeg(seed=94))
    uid = await user_id_of(app, "aigerim")
    rid = str(ids["aigerim"])
    assert await ledger_of(app, uid) == [("report_confirmed", rid, 0, 10), ("still_there_cleaned", rid, 0, 15)]
    clock.advance(days=2)
    await aigerim.press(f"dispute:{ids['aigerim']}", None)
    await aigerim.send("Қоқыс әлі де сол жерде")
    await aigerim.photo(images.jpeg(seed=95))
    # The cleaning is disputed: its bonus goes back; the report was confirmed, so that stays.
    assert await ledger_of(app, uid) == [
        ("report_confirmed", rid, 0, 10),
        ("still_there_cleaned", rid, 0, 15),
        ("still_there_cleaned", rid, 1, -15),
    ]
