"""The one aiogram handler: every update is made durable in the inbox before polling goes on.

Registered as the dispatcher's update outer middleware and run with `handle_as_tasks=False`, so
aiogram asks for the next batch (whose offset tells Telegram to forget this update) only after the
update is stored. Processing then happens beside polling, per chat in order (`ChatQueues`)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.types import CallbackQuery, TelegramObject, Update

from bot.channels.telegram_updates import to_incoming
from bot.inbox import ChatQueues
from handlers.engine import Engine
from handlers.types import Incoming

log = logging.getLogger(__name__)

MAX_STORE_DELAY = 30.0


class InboxWriter(BaseMiddleware):
    def __init__(self, engine: Engine, queues: ChatQueues, bot: Bot, bot_username: str | None) -> None:
        self.engine = engine
        self.queues = queues
        self.bot = bot
        self.bot_username = bot_username
        self._answers: set[asyncio.Task[None]] = set()

    async def __call__(
        self,
        handler: Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]],
        event: TelegramObject,
        data: dict[str, Any],
    ) -> None:
        assert isinstance(event, Update)
        incoming = to_incoming(event, self.bot_username)
        if incoming is not None:
            await self._store(incoming)
            self.queues.submit(incoming)
        if event.callback_query is not None:
            self._answer(event.callback_query)

    async def _store(self, incoming: Incoming) -> None:
        """Never returns before the update is stored: while the database is away, polling waits
        (and Telegram keeps the update) instead of confirming an update we do not have."""
        delay = 0.5
        while True:
            try:
                await self.engine.store([incoming])
                return
            except Exception:
                log.exception("cannot store update %s; retrying in %.1fs", incoming.update_key, delay)
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
