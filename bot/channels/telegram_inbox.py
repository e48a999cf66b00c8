"""Every update is made durable in the inbox before polling goes on.

`BatchStore`, a request middleware, stores each getUpdates batch with one insert as soon as it
arrives and queues it whole for processing beside polling (`BatchQueue`: one transaction per
batch, each chat's updates in order). `InboxWriter`, the dispatcher's update outer middleware (run
with `handle_as_tasks=False`, so aiogram asks for the next batch, whose offset tells Telegram to
forget these updates, only after it returned), stops buttons' spinners, and stores and queues any
update the batch did not (it never returns before it is stored)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.client.session.middlewares.base import (
    BaseRequestMiddleware,
    NextRequestMiddlewareType,
)
from aiogram.methods import GetUpdates, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import CallbackQuery, TelegramObject, Update

from bot.channels.telegram_updates import to_incoming
from bot.group_commit import GroupCommit
from bot.inbox import BatchQueue, ChatQueues
from handlers.engine import Engine
from handlers.types import Incoming

log = logging.getLogger(__name__)

MAX_STORE_DELAY = 30.0


class InboxWriter(BaseMiddleware):
    def __init__(self, engine: Engine, queues: ChatQueues | BatchQueue, bot: Bot, bot_username: str | None) -> None:
        self.engine = engine
        self.queues = queues
        self.bot = bot
        self.bot_username = bot_username
        self._answers: set[asyncio.Task[None]] = set()
        # Updates `BatchStore` converted and stored, by update key, until handled here.
        self.stored: dict[str, Incoming] = {}
        # Webhook requests arriving together are stored in one insert (one commit per round).
        self._inbox: GroupCommit[Incoming] = GroupCommit(engine.store)

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> None:
        assert isinstance(event, Update)
        await self.take(event)

    async def take(self, event: Update) -> None:
        """Store the update and queue it for its chat (unless its batch was), stop a button's
        spinner; polling calls this through the dispatcher, the webhook directly."""
        if self.stored.pop(str(event.update_id), None) is None:
            incoming = to_incoming(event, self.bot_username)
            if incoming is not None:
                await self.store([incoming])
                self.queues.submit(incoming)
        if event.callback_query is not None:
            self._answer(event.callback_query)

    def queue_batch(self, incomings: list[Incoming]) -> None:
        """A stored getUpdates batch goes to the queue whole, so that it is processed as one batch
        (the dispatcher would hand it over one update at a time)."""
        self.stored.update((incoming.update_key, incoming) for incoming in incomings)
        for incoming in incomings:
            self.queues.submit(incoming)

    async def store(self, incomings: list[Incoming]) -> None:
        """Never returns before the updates are stored: while the database is away, polling waits
        (and Telegram keeps the updates) instead of confirming updates we do not have."""
        delay = 0.5
        while True:
            try:
                await self._inbox.write(incomings)
                return
            except Exception:
                log.exception("cannot store %d update(s); retrying in %.1fs", len(incomings), delay)
                await asyncio.sleep(delay)
                delay = min(MAX_STORE_DELAY, delay * 2)

    def _answer(self, query: CallbackQuery) -> None:
        """Stop the button's spinner at once, beside polling (the reply comes through the outbox)."""
        task = asyncio.create_task(self._answer_now(query.id))
        self._answers.add(task)
        task.add_done_callback(self._answers.discard)

    async def _answer_now(self, query_id: str) -> None:
        try:
            await self.bot.answer_callback_query(query_id)
        except Exception as exc:  # an old query or a network error: only the spinner is affected
            log.info("could not answer callback query %s: %s", query_id, exc)


class BatchStore(BaseRequestMiddleware):
    """Stores a whole getUpdates batch in the inbox with one insert, before aiogram hands the
    updates to the dispatcher one by one."""

    def __init__(self, writer: InboxWriter) -> None:
        self.writer = writer

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> TelegramType:
        result = await make_request(bot, method)
        if isinstance(method, GetUpdates) and result:
            batch = [to_incoming(update, self.writer.bot_username) for update in result]
            incomings = [incoming for incoming in batch if incoming is not None]
            if incomings:
                await self.writer.store(incomings)
                self.writer.queue_batch(incomings)
        return result
