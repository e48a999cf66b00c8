"""Reminders 24 h and 2 h before, on a controllable clock: each sent once (running the job again
sends nothing), in the person's language, with «I can't come» that frees the place."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.scheduler import run_job
from storage.models import OutboxMessage
from tests.events.support import make_event, statuses
from tests.support.chat import Chat, texts


async def outbox_count(app) -> int:
    async with app.sessions() as s:
        return int(await s.scalar(select(func.count(OutboxMessage.id))))


async def test_reminders_once_each_and_cant_come(app, clock) -> None:
    event = await make_event(app, starts_in=timedelta(days=3), capacity=1)
    ru, kk = Chat(app, "ruslan"), Chat(app, "kairat")
    await ru.onboard("Русский")
    await kk.onboard("Қазақша")
    await ru.press(f"ev:join:{event}", None)
    await kk.press(f"ev:wait:{event}", None)
    assert "sent 0 reminders 24 h before and 0" in await run_job(app, "event_reminders")
    clock.advance(days=2, minutes=1)  # 23 h 59 min before
    assert "sent 1 reminders 24 h before" in await run_job(app, "event_reminders")
    await app.sender.flush()
    assert "⏰ Напоминание: «Clean the Esil embankment»" in ru.history[-1].text
    before = await outbox_count(app)
    assert "sent 0 reminders 24 h before and 0" in await run_job(app, "event_reminders")
    assert await outbox_count(app) == before
    clock.advance(hours=22)  # 1 h 59 min before
    assert "and 1 reminders 2 h before" in await run_job(app, "event_reminders")
    await app.sender.flush()
    reminder = ru.history[-1]
    assert "Через 2 часа" in reminder.text and "Не смогу прийти" in [c.label for c in reminder.choices][-1]
    assert "and 0 reminders 2 h before" in await run_job(app, "event_reminders")
    ru.seen = len(ru.history)
    cant = await ru.click("Не смогу прийти")
    assert "Ваша запись отменена" in texts(cant)
    assert await statuses(app, event) == {"Ruslan": "cancelled", "Kairat": "going"}
    assert "орын босады" in texts(kk.history[-2:])
    # Kairat got the place 1 h 59 min before: the card, not a late reminder.
    assert "sent 0 reminders 24 h before and 0" in await run_job(app, "event_reminders")


async def test_late_job_sends_one_reminder_not_two(app, clock) -> None:
    event = await make_event(app, starts_in=timedelta(days=3))
    chat = Chat(app, "late")
    await chat.onboard()
    await chat.press(f"ev:join:{event}", None)
    clock.advance(days=2, hours=23)  # the job was down: 1 hour before the start
    assert "sent 0 reminders 24 h before and 1 reminders 2 h before" in await run_job(app, "event_reminders")
