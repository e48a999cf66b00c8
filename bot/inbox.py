"""Processes stored updates in order within a chat, one at a time, and chats side by side."""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Awaitable, Callable

from handlers.types import Incoming

log = logging.getLogger(__name__)


class ChatQueues:
    def __init__(self, process: Callable[[Incoming], Awaitable[None]]) -> None:
        self._process = process
        self._queues: dict[tuple[str, str], deque[Incoming]] = {}
        self._workers: dict[tuple[str, str], asyncio.Task[None]] = {}
        self._idle = asyncio.Event()
        self._idle.set()

    def submit(self, incoming: Incoming) -> None:
        key = (incoming.channel, incoming.chat_id)
        self._queues.setdefault(key, deque()).append(incoming)
        if key not in self._workers:
            self._idle.clear()
            self._workers[key] = asyncio.create_task(self._drain(key), name=f"chat {key}")

    async def _drain(self, key: tuple[str, str]) -> None:
        queue = self._queues[key]
        try:
            while queue:
                incoming = queue.popleft()
                try:
                    await self._process(incoming)
                except Exception:  # the engine records step failures; this is a last guard
                    log.exception("processing %s failed", incoming.update_key)
        finally:
            del self._workers[key]
            del self._queues[key]
            if not self._workers:
                self._idle.set()

    async def join(self) -> None:
        """Wait until every submitted update has been processed."""
        await self._idle.wait()


class BatchQueue:
    """Group commit for a channel that receives in batches (Telegram): whatever arrived while the
    previous batch was being processed becomes the next batch, processed in one transaction
    (`Engine.process_batch`). Updates keep their arrival order, so a chat's stay in order.

    During a crowd, a batch smaller than the one before waits up to `linger` seconds for more to
    arrive (the next getUpdates batch, the next webhook request). A crowd's answers go out over
    some milliseconds and long polling returns with the first person who writes back: without the
    wait, that one update took a transaction of its own and its answer a sender round of its own,
    and the rest of the crowd waited behind both. A lone person never waits (no bigger batch
    came before)."""

    def __init__(
        self,
        process_batch: Callable[[list[Incoming]], Awaitable[None]],
        max_batch: int = 200,
        linger: float = 0.010,
    ) -> None:
        self._process_batch = process_batch
        self.max_batch = max_batch
        self.linger = linger
        self._pending: deque[Incoming] = deque()
        self._worker: asyncio.Task[None] | None = None
        self._idle = asyncio.Event()
        self._idle.set()
        self._arrived = asyncio.Event()
        self._last_batch = 0

    def submit(self, incoming: Incoming) -> None:
        self._pending.append(incoming)
        self._arrived.set()
        if self._worker is None:
            self._idle.clear()
            self._worker = asyncio.create_task(self._drain(), name="batch queue")

    async def _drain(self) -> None:
        try:
            while self._pending:
                await asyncio.sleep(0)  # let the rest of a received batch arrive first
                if len(self._pending) < self._last_batch:  # a crowd: more is on its way
                    await self._more_arrive()
                count = min(len(self._pending), self.max_batch)
                self._last_batch = count
                batch = [self._pending.popleft() for _ in range(count)]
                try:
                    await self._process_batch(batch)
                except Exception:  # the engine records step failures; this is a last guard
                    log.exception("processing a batch of %d updates failed", len(batch))
        finally:
            self._worker = None
            self._idle.set()

    async def _more_arrive(self) -> None:
        self._arrived.clear()
        try:
            await asyncio.wait_for(self._arrived.wait(), self.linger)
        except TimeoutError:
            pass

    async def join(self) -> None:
        await self._idle.wait()
