"""Group commit: writes asked for at about the same time go to the database together.

Each caller hands its items over and waits until they are written; whatever arrives while one
write is in flight is written by the next, in one transaction. The inbox (a webhook request per
update) and the outbox sender (an outcome per message sent) each pay one commit per round instead
of one per item. A failed write fails every caller of that round; each decides whether to retry."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class GroupCommit(Generic[T]):
    def __init__(self, write: Callable[[list[T]], Awaitable[None]]) -> None:
        self._write = write
        self._waiting: list[tuple[list[T], asyncio.Future[None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def write(self, items: list[T]) -> None:
        """Returns once `items` are written (with whatever else came in the same round)."""
        written = asyncio.get_running_loop().create_future()
        self._waiting.append((items, written))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_rounds())
        await asyncio.shield(written)  # a cancelled caller does not cancel the others' write

    async def _write_rounds(self) -> None:
        while self._waiting:
            await asyncio.sleep(0)  # let the rest of this round come in
            round_, self._waiting = self._waiting, []
            try:
                await self._write([item for items, _ in round_ for item in items])
            except Exception as exc:
                for _, written in round_:
                    if not written.done():
                        written.set_exception(exc)
                continue
            for _, written in round_:
                if not written.done():
                    written.set_result(None)
