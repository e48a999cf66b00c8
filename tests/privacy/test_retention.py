"""Issue 17, point 6 (the second half): processed incoming and sent outgoing messages are deleted
after RETENTION_DAYS by the retention job, in batches; waiting messages stay; /mydata copies
left on disk go after 24 hours at the latest; old usage counters go too."""

from __future__ import annotations

import os
import time

from sqlalchemy import func, select, update

import jobs.retention
from bot.scheduler import run_job
from storage.files import OUTGOING_DIR
from storage.limits import UsageCounter
from storage.models import InboxUpdate, OutboxMessage, OutboxStatus
from tests.reports.test_report import report_dump
from tests.support.chat import Chat


async def counts(app) -> tuple[int, int, int]:
    async with app.sessions() as s:
        return (
            await s.scalar(select(func.count()).select_from(InboxUpdate)),
            await s.scalar(select(func.count()).select_from(OutboxMessage)),
            await s.scalar(select(func.count()).select_from(UsageCounter)),
        )


async def test_old_messages_files_and_counters_are_deleted_in_batches(app, clock, monkeypatch) -> None:
    monkeypatch.setattr(jobs.retention, "BATCH", 3)
    chat = Chat(app, "aigerim")
    await chat.onboard()
    await report_dump(chat)
    old_inbox, old_outbox, counters = await counts(app)
    assert old_inbox > 3 and old_outbox > 3 and counters == 1

    outgoing = app.settings.MEDIA_DIR / OUTGOING_DIR / "chat" / "digest"
    outgoing.mkdir(parents=True)
    (outgoing / "my-data.json").write_text('{"name": "Aigerim"}')
    day_ago = time.time() - 25 * 3600
    os.utime(outgoing / "my-data.json", (day_ago, day_ago))

    clock.advance(days=29)
    answers = len(await chat.send("/help"))  # recent messages stay
    async with app.sessions() as s, s.begin():  # an old message held for WhatsApp's window stays
        held = await s.scalar(select(OutboxMessage.id).order_by(OutboxMessage.id).limit(1))
        await s.execute(update(OutboxMessage).where(OutboxMessage.id == held).values(status=OutboxStatus.WAITING))
    await run_job(app, "retention")
    assert await counts(app) == (old_inbox + 1, old_outbox + answers, 0)  # counters of earlier days go
    assert not (outgoing / "my-data.json").exists()

    clock.advance(days=2)
    summary = await run_job(app, "retention")
    assert await counts(app) == (1, 1 + answers, 0)  # the waiting one and the last step's
    assert "deleted" in summary
