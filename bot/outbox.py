"""The outbox sender: dispatches committed outbox rows through the channel adapters.

Messages of one chat go out in order, one at a time; chats are served side by side within the
channel's limits. A row is marked sent only after the platform accepted it, so a crash can at worst
send a message twice, never lose it. A 429 pauses that chat until `retry_after`; other errors are
retried with backoff and given up after `max_attempts`, with the reason kept on the row.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.channels.base import Channel, HoldMessage, SendError
from bot.ratelimit import KeyedLimiter
from handlers.types import Reply
from storage.base import utcnow
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

BATCH = 500


class OutboxSender:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        channels: dict[str, Channel],
        *,
        clock: Callable[[], datetime] = utcnow,
        max_attempts: int = 8,
        base_backoff: float = 1.0,
        idle_poll: float = 1.0,
    ) -> None:
        self.sessions = sessions
        self.channels = channels
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.idle_poll = idle_poll
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._limiters: dict[str, KeyedLimiter] = {}
        self._missing_channels_logged: set[str] = set()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Send whenever woken (after each commit) and every `idle_poll` seconds for retries."""
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle_poll)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                while await self.flush() == BATCH:
                    pass
            except Exception:
                log.exception("outbox flush failed; retrying shortly")

    async def flush(self) -> int:
        """Send every due message now; returns how many rows were looked at."""
        async with self._lock:
            rows = await self._due()
            by_chat: OrderedDict[tuple[str, str], list[OutboxMessage]] = OrderedDict()
            for row in rows:
                by_chat.setdefault((row.channel, row.chat_id), []).append(row)
            await asyncio.gather(*(self._send_chat(key, msgs) for key, msgs in by_chat.items()))
            return len(rows)

    async def _due(self) -> list[OutboxMessage]:
        async with self.sessions() as session:
            rows = (
                await session.scalars(
                    select(OutboxMessage)
                    .where(
                        OutboxMessage.status == OutboxStatus.PENDING,
                        OutboxMessage.next_attempt_at <= self.clock(),
                        OutboxMessage.channel.in_(list(self.channels)),
                    )
                    .order_by(OutboxMessage.id)
                    .limit(BATCH)
                )
            ).all()
        return [r for r in rows if self.channels[r.channel].delivers_to(r.chat_id)]

    def _limiter(self, channel: Channel) -> KeyedLimiter:
        limiter = self._limiters.get(channel.name)
        if limiter is None:
            limits = channel.limits
            limiter = self._limiters[channel.name] = KeyedLimiter(
                limits.per_second, limits.per_chat_per_second, limits.per_chat_burst
            )
        return limiter

    async def _send_chat(self, key: tuple[str, str], rows: list[OutboxMessage]) -> None:
        channel = self.channels[key[0]]
        limiter = self._limiter(channel)
        is_group = key[1].startswith("-")
        for row in rows:
            if is_group and channel.limits.per_group_per_minute:
                await limiter.acquire(key[1], rate=channel.limits.per_group_per_minute / 60, burst=3)
            else:
                await limiter.acquire(key[1])
            try:
                external_id = await channel.send(row.chat_id, Reply.from_json(row.payload))
            except HoldMessage as exc:
                log.info("outbox %s held for %s/%s: %s", row.id, *key, exc)
                await self._mark(row.id, status=OutboxStatus.WAITING, last_error=str(exc))
                continue
            except SendError as exc:
                if exc.retry_after is not None:
                    log.warning("outbox %s: told to wait %.1fs", row.id, exc.retry_after)
                    await self._retry(row, exc.reason, delay=exc.retry_after, count=False)
                    return  # keep this chat's order: the rest waits for the next flush
                if exc.permanent:
                    await self._mark(row.id, status=OutboxStatus.FAILED, last_error=exc.reason)
                    continue
                await self._retry(row, exc.reason)
                return
            except Exception as exc:  # an adapter bug or a network error: retry, never lose
                log.exception("outbox %s: send failed", row.id)
                await self._retry(row, f"{type(exc).__name__}: {exc}")
                return
            await self._mark(
                row.id, status=OutboxStatus.SENT, sent_at=self.clock(), external_id=external_id
            )

    async def _retry(
        self, row: OutboxMessage, reason: str, *, delay: float | None = None, count: bool = True
    ) -> None:
        attempts = row.attempts + (1 if count else 0)
        if attempts >= self.max_attempts:
            await self._mark(row.id, status=OutboxStatus.FAILED, attempts=attempts, last_error=reason)
            return
        wait = delay if delay is not None else self.base_backoff * 2 ** (attempts - 1)
        await self._mark(
            row.id,
            attempts=attempts,
            last_error=reason,
            next_attempt_at=self.clock() + timedelta(seconds=wait),
        )

    async def _mark(self, row_id: int, **values: object) -> None:
        async with self.sessions() as session, session.begin():
            await session.execute(
                update(OutboxMessage).where(OutboxMessage.id == row_id).values(**values)
            )

