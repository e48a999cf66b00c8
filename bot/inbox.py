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
