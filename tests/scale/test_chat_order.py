"""Two web processes on one PostgreSQL database, each receiving some of the same chats' updates
(a load balancer spreads them), each processing what it received at once, update by update or in
batches (group commit): every step is applied once, none is lost, and each chat sees its steps in
the order its updates were stored."""

from __future__ import annotations

import asyncio
import random

import pytest
from sqlalchemy import select

from bot.i18n import translators
from bot.inbox import BatchQueue, ChatQueues
from handlers.context import Ctx
from handlers.engine import Engine
from handlers.router import Router
from handlers.types import Incoming, Kind
from storage.db import create_engine, session_factory
from storage.models import ConversationState, InboxUpdate, OutboxMessage
from tests.support import databases

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


@pytest.mark.parametrize("queueing", ["per_chat", "batches"])
async def test_two_processes_never_interleave_a_chat_on_postgresql(postgres_url: str, queueing: str) -> None:
    await databases.truncate_all(postgres_url)
    dbs = [create_engine(postgres_url), create_engine(postgres_url)]
    engines = [Engine(session_factory(db), counting_router(), translators()) for db in dbs]
    for engine in engines:
        engine.in_order = True
    queues = [
        ChatQueues(engine.process) if queueing == "per_chat" else BatchQueue(engine.process_batch, max_batch=40)
        for engine in engines
    ]
    rng = random.Random(12)
    try:
        received: list[tuple[int, Incoming]] = []
        for n in range(STEPS):  # a burst: every update is stored before the first step ends
            for chat in range(CHATS):
                receiver = rng.randrange(2)  # the load balancer's pick for this request
                received.append((receiver, update(chat, n)))
                await engines[receiver].store([received[-1][1]])
        for receiver, incoming in received:
            queues[receiver].submit(incoming)
        await asyncio.gather(*(q.join() for q in queues))

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
