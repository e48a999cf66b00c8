"""Two senders on one outbox (a web process and the worker, each with its own connection pool):
every message goes out exactly once and each chat's messages in order; replies to a user's own
message go ahead of the messages the bot starts itself."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.outbox import OutboxSender
from handlers.types import Reply
from storage.db import create_engine, session_factory
from storage.models import OutboxMessage, OutboxPriority, OutboxStatus
from tests.test_outbox import ScriptedChannel, per_chat, queue_messages


class SlowChannel(ScriptedChannel):
    """Each send yields to the event loop, so both senders are busy at the same time; `timeline`,
    shared by both, keeps the order in which messages reached the platform."""

    def __init__(self, timeline: list[tuple[str, str]], wait_for: asyncio.Event | None = None) -> None:
        super().__init__()
        self.timeline = timeline
        self.started = asyncio.Event()
        self.wait_for = wait_for

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        self.started.set()
        if self.wait_for is not None:  # hold the first send until the other sender is sending too
            await asyncio.wait_for(self.wait_for.wait(), timeout=10)
        await asyncio.sleep(0.001)
        self.timeline.append((chat_id, reply.text))
        return await super().send(chat_id, reply)


async def test_two_senders_never_send_a_message_twice(app, database_url, clock) -> None:
    wanted = await queue_messages(app, chats=20, per_chat=15, clock=clock)
    other_db = create_engine(database_url)
    timeline: list[tuple[str, str]] = []
    second = SlowChannel(timeline)
    first = SlowChannel(timeline, wait_for=second.started)  # so both are busy at once, on any machine
    limits = {"clock": clock, "per_chat_batch": 3, "max_in_flight": 10}
    senders = [
        OutboxSender(app.sessions, {"telegram": first}, **limits),
        OutboxSender(session_factory(other_db), {"telegram": second}, **limits),
    ]
    try:
        await asyncio.gather(*(sender.flush() for sender in senders))
        await asyncio.gather(*(sender.flush() for sender in senders))  # what a busy chat left
    finally:
        await other_db.dispose()

    delivered = first.delivered + second.delivered
    assert sorted(delivered) == sorted(wanted), "every message once, none twice"
    assert first.delivered and second.delivered, "both senders took part"
    assert per_chat(timeline) == per_chat(wanted), "each chat's messages in the order queued"
    async with app.sessions() as session:
        assert set(await session.scalars(select(OutboxMessage.status))) == {OutboxStatus.SENT}


async def test_a_reply_goes_out_before_a_broadcast_queued_earlier(app, clock) -> None:
    async with app.sessions() as session, session.begin():
        for n in range(5):
            session.add(_row(f"{200 + n}", "digest", OutboxPriority.BOT_INITIATED, clock()))
        session.add(_row("300", "your report is saved", OutboxPriority.REPLY, clock()))
    channel = ScriptedChannel()
    sender = OutboxSender(app.sessions, {"telegram": channel}, clock=clock, max_in_flight=1)
    await sender.flush()
    assert channel.delivered[0] == ("300", "your report is saved")
    assert len(channel.delivered) == 6


def _row(chat_id: str, text: str, priority: int, now) -> OutboxMessage:
    return OutboxMessage(
        channel="telegram",
        chat_id=chat_id,
        payload=Reply(text=text).to_json(),
        created_at=now,
        next_attempt_at=now,
        priority=priority,
    )


async def test_a_step_queues_its_reply_ahead_of_notices(chat) -> None:
    await chat.send("/start")
    async with chat.app.sessions() as session:
        priorities = set(await session.scalars(select(OutboxMessage.priority)))
    assert priorities == {OutboxPriority.REPLY}
