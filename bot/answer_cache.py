"""Answers of the public read-only endpoints (Open311, the web map), each built at most once per
`seconds`: requests that come while an answer is being built wait for that build instead of
starting their own, and at most `concurrency` builds touch the database at a time, leaving
connections to the webhooks that share the pool."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any


class AnswerCache:
    def __init__(self, now: Callable[[], float], *, seconds: float = 60, entries: int = 256, concurrency: int = 1) -> None:
        self.now = now
        self.seconds = seconds
        self.entries = entries
        self._cache: OrderedDict[object, tuple[float, asyncio.Future[Any]]] = OrderedDict()
        self._database = asyncio.Semaphore(concurrency)

    async def get(self, key: object, build: Callable[[], Awaitable[Any]]) -> Any:
        """The answer for `key`, built by `build` when there is no fresh one."""
        now = self.now()
        hit = self._cache.get(key)
        if hit is not None and hit[0] > now and not (hit[1].done() and hit[1].exception()):
            return await asyncio.shield(hit[1])
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._cache[key] = (now + self.seconds, future)
        self._cache.move_to_end(key)
        while len(self._cache) > self.entries:
            self._cache.popitem(last=False)
        try:
            async with self._database:
                body = await build()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters get it, nobody logs it as lost
            self._cache.pop(key, None)
            raise
        future.set_result(body)
        return body
