"""Two web processes on one PostgreSQL database, each receiving some of the same chats' updates
(a load balancer spreads them), each processing what it received at once, update by update or in
batches (group commit): every step is applied once, none is lost, and each chat sees its steps in
the order its updates were stored."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.i18n import translators
from bot.inbox import BatchQueue, ChatQueues
from bot.outbox import OutboxSender
from handlers.context import Ctx
from handlers.engine import Engine
from handlers.router import Router
from handlers.types import Incoming, Kind, Reply
from storage.db import create_engine, session_factory
from storage.models import ConversationState, InboxUpdate, OutboxMessage
from tests.support import databases
from tests.test_outbox import ScriptedChannel, per_chat

pytestmark = pytest.mark.skipif(not databases.backends()[1:], reason="PostgreSQL only (TEST_DATABASE_URL)")

CHATS = 12
STEPS = 15


def counting_router() -> Router:
    """One command whose step appends its argument to the chat's state and replies with the count."""
    router = Router()

    @router.command("step", argument=True, without_consent=True)
    async def step(ctx: Ctx) -> None:
        seen = [*ctx.state.get("seen", []), int(ctx.incoming.args)]
        ctx.state["seen"] = seen
        await asyncio.sleep(random.random() / 200)  # widen the window for interleaving
        ctx.reply(str(len(seen)))

    return router


def update(chat: int, n: int) -> Incoming:
    return Incoming(
        channel="telegram",
        chat_id=str(chat),
        sender_id=str(chat),
        update_key=f"{chat}-{n}",
        kind=Kind.COMMAND,
        command="step",
        args=str(n),
        text=f"/step {n}",
    )


async def two_processes(postgres_url: str) -> tuple[list[AsyncEngine], list[Engine]]:
    """Two web processes' databases and engines on one emptied PostgreSQL database."""
    await databases.truncate_all(postgres_url)
    dbs = [create_engine(postgres_url), create_engine(postgres_url)]
    engines = [Engine(session_factory(db), counting_router(), translators()) for db in dbs]
    for engine in engines:
        engine.in_order = True
    return dbs, engines


async def burst(engines: list[Engine], queueing: str, rng: random.Random) -> None:
    """Every update is stored before the first step ends, each by the process the load balancer
    picks, then each process works through what it received (update by update or in batches)."""
    queues = [
        ChatQueues(engine.process) if queueing == "per_chat" else BatchQueue(engine.process_batch, max_batch=40)
        for engine in engines
    ]
    received: list[tuple[int, Incoming]] = []
    for n in range(STEPS):
        for chat in range(CHATS):
            receiver = rng.randrange(2)  # the load balancer's pick for this request
            received.append((receiver, update(chat, n)))
            await engines[receiver].store([received[-1][1]])
    for receiver, incoming in received:
        queues[receiver].submit(incoming)
    await asyncio.gather(*(q.join() for q in queues))


@pytest.mark.parametrize("queueing", ["per_chat", "batches"])
async def test_two_processes_never_interleave_a_chat_on_postgresql(postgres_url: str, queueing: str) -> None:
    dbs, engines = await two_processes(postgres_url)
    try:
        await burst(engines, queueing, random.Random(12))
        async with engines[0].sessions() as session:
            states = {row.chat_id: row.state["seen"] for row in await session.scalars(select(ConversationState))}
            inbox = (await session.execute(select(InboxUpdate.processed_at, InboxUpdate.error))).all()
            replies = (
                await session.execute(select(OutboxMessage.chat_id, OutboxMessage.payload).order_by(OutboxMessage.id))
            ).all()
    finally:
        for db in dbs:
            await db.dispose()

    assert states == {str(chat): list(range(STEPS)) for chat in range(CHATS)}, "no step lost, doubled or reordered"
    assert all(processed is not None and error is None for processed, error in inbox)
    by_chat: dict[str, list[str]] = {}
    for chat_id, payload in replies:
        by_chat.setdefault(chat_id, []).append(payload["text"])
    assert by_chat == {str(chat): [str(n + 1) for n in range(STEPS)] for chat in range(CHATS)}


class TimelineChannel(ScriptedChannel):
    """Telegram as both processes' senders reach it: `timeline` is the order in which the answers
    arrived; each send takes a little while, so the two senders overlap."""

    def __init__(self, timeline: list[tuple[str, str]], rng: random.Random) -> None:
        super().__init__()
        self.timeline = timeline
        self.rng = rng

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        await asyncio.sleep(self.rng.random() / 50)  # up to 20 ms: the other process sends meanwhile
        self.timeline.append((chat_id, reply.text or ""))
        return await super().send(chat_id, reply)


@pytest.mark.parametrize("queueing", ["per_chat", "batches"])
async def test_two_processes_send_their_answers_straight_and_each_chat_hears_them_in_order_on_postgresql(
    postgres_url: str, queueing: str
) -> None:
    """Each process sends its steps' answers straight after the commit (`Engine.direct`); an answer
    whose chat has an earlier one the other process has not sent yet waits for the claim round."""
    dbs, engines = await two_processes(postgres_url)
    timeline: list[tuple[str, str]] = []
    rng = random.Random(7)
    channels = [TimelineChannel(timeline, rng) for _ in dbs]
    senders = [OutboxSender(session_factory(db), {"telegram": ch}, idle_poll=0.05) for db, ch in zip(dbs, channels)]
    for number, (engine, sender) in enumerate(zip(engines, senders)):
        sender.name = f"web-{number}"  # two processes, two names
        engine.never_holding.add("telegram")
        engine.direct = sender
    running = [asyncio.create_task(sender.run()) for sender in senders]
    try:
        await burst(engines, queueing, rng)
        for _ in range(400):
            if len(timeline) >= CHATS * STEPS:
                break
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.2)  # anything sent twice would arrive now
    finally:
        for task in running:
            task.cancel()
        await asyncio.gather(*running, return_exceptions=True)
        for db in dbs:
            await db.dispose()

    assert per_chat(timeline) == {str(chat): [str(n + 1) for n in range(STEPS)] for chat in range(CHATS)}, (
        "every answer once, each chat's in the order of its steps"
    )
    assert all(channel.delivered for channel in channels), "both processes sent answers"
