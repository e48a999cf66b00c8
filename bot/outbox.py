"""The outbox sender: dispatches committed outbox rows through the channel adapters.

Messages of one chat go out in order, one at a time, by a short-lived worker per chat; chats are
served side by side within the channel's limits (overall, per chat, per group). Only a bounded
number of messages is in flight at once, so that a large broadcast or a slow group (20 messages a
minute) never holds back the replies of a conversation by more than a few seconds.

A row is marked sent only after the platform accepted it, so a crash can at worst send a message
twice, never lose it: everything not marked is simply found again after a restart. A 429 pauses
the whole channel for `retry_after` and reschedules the message without counting it as a failed
try; other errors are retried with exponential backoff and given up after `max_attempts`, with
the reason kept on the row. While a chat has a message waiting for a retry, its later messages
wait too (order within a chat is kept across retries).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Executable, delete, exists, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from bot.channels.base import Channel, HoldMessage, SendError
from bot.group_commit import GroupCommit
from bot.lease import alive, process_name
from bot.ratelimit import KeyedLimiter
from handlers.types import FAREWELL, Reply
from storage.base import utcnow
from storage.db import in_list, in_pairs, on_postgresql, pairs_params
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

ChatKey = tuple[str, str]
MARK_TRIES = 5
MIN_PAUSE = 0.25  # seconds a 429 pauses the channel at least


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
        max_in_flight: int = 200,
        per_chat_batch: int = 10,
        claim_seconds: float = 60.0,
    ) -> None:
        self.sessions = sessions
        self.channels = channels
        self.clock = clock
        self.max_attempts = max_attempts
        self.base_backoff = base_backoff
        self.idle_poll = idle_poll
        self.max_in_flight = max_in_flight
        self.per_chat_batch = per_chat_batch
        self.claim_seconds = claim_seconds
        self.name = process_name()
        self._wake = asyncio.Event()
        self._lock = asyncio.Lock()
        self._limiters: dict[str, KeyedLimiter] = {}
        self._paused_until: dict[str, float] = {}  # channel -> event-loop time, after a 429
        self._workers: dict[ChatKey, asyncio.Task[None]] = {}
        # The rows each chat's worker goes through; more can join until it is finishing (removed).
        self._rows: dict[ChatKey, list[OutboxMessage]] = {}
        # Chats with a message of theirs waiting for a retry (ids): nothing of theirs is sent
        # straight from a step (`claim_for`) until it is settled.
        self._held_back: dict[ChatKey, set[int]] = {}
        self._background: set[asyncio.Task[None]] = set()
        self._in_flight = 0
        # The last claim round may have left due rows behind (a chat busy, the round full): a
        # worker that finishes then starts another round. Otherwise none is needed.
        self._left_behind = False
        self._marks: GroupCommit[dict[str, object]] = GroupCommit(self._write_marks)
        self.rate_limited = 0  # 429 answers seen since start (the broadcast benchmark reports it)

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        """Dispatch whenever woken (after each commit, after a chat's worker ends) and every
        `idle_poll` seconds for retries that became due."""
        try:
            await self.release_dead_claims()
            await self._load_held_back()
        except Exception:
            log.exception("outbox: could not look for claims of stopped senders")
        while True:
            try:
                await asyncio.wait_for(self._wake.wait(), timeout=self.idle_poll)
            except TimeoutError:
                pass
            self._wake.clear()
            try:
                await self.dispatch()
            except Exception:
                task = asyncio.current_task()
                if task is not None and task.cancelling():  # a stop, seen through a cut-off query
                    raise asyncio.CancelledError from None
                log.exception("outbox dispatch failed; retrying shortly")

    async def flush(self) -> int:
        """Send every due message now and wait until it is done (the console, the tests and jobs
        run from the command line use this). Returns how many messages were handed to workers."""
        tried: set[int] = set()  # one try per message and flush: a retry waits for the next one
        while True:
            started = await self.dispatch(skip=tried)
            if self._workers:
                await asyncio.wait(list(self._workers.values()))
            elif not started:
                return len(tried)

    async def dispatch(self, skip: set[int] | None = None) -> int:
        """Start a worker for each chat with due messages that has none running. Rows whose id
        is in `skip` are left alone, and the ids handed out are added to it."""
        async with self._lock:
            room = self.max_in_flight - self._in_flight
            if room <= 0:
                self._left_behind = True
                return 0
            by_chat = await self._claim(room, set(self._workers), skip or set())
            started = 0
            for key, rows in by_chat.items():
                if skip is not None:
                    skip.update(row.id for row in rows)
                if self._enqueue(key, rows):
                    started += len(rows)
                else:
                    self._give_back(rows)
            return started

    def claim_for(self, channel: str, chat_id: str) -> tuple[str, datetime] | None:
        """A step's answer to this chat may be written claimed by this sender (until the returned
        time) and handed over by `take` after the commit: when this process can send to the chat
        and no earlier message of the chat waits for a retry. See `Engine.direct`."""
        target = self.channels.get(channel)
        key = (channel, chat_id)
        if target is None or not target.delivers_to(chat_id) or self._held_back.get(key):
            return None
        if self._in_flight >= self.max_in_flight:
            return None
        return self.name, self.clock() + timedelta(seconds=self.claim_seconds)

    def take(self, rows: list[OutboxMessage]) -> None:
        """Committed rows claimed for this sender by a step (`claim_for`): sent at once, after what
        the chat's worker already has, without waiting for a claim round."""
        by_chat: dict[ChatKey, list[OutboxMessage]] = {}
        for row in rows:
            by_chat.setdefault((row.channel, row.chat_id), []).append(row)
        for key, chat_rows in by_chat.items():
            if self._held_back.get(key) or not self._enqueue(key, chat_rows):
                self._give_back(chat_rows)  # due again: the claim round keeps the chat's order

    def _enqueue(self, key: ChatKey, rows: list[OutboxMessage]) -> bool:
        """Give rows to the chat's worker, starting one if none runs. False when the chat's worker
        is finishing and takes nothing more."""
        if key in self._workers:
            running = self._rows.get(key)
            if running is None:
                return False
            running.extend(rows)
        else:
            self._rows[key] = list(rows)
            self._workers[key] = asyncio.create_task(self._work(key, self._rows[key]), name=f"outbox {key}")
        self._in_flight += len(rows)
        return True

    def _give_back(self, rows: list[OutboxMessage]) -> None:
        """Rows claimed but not given to a worker are due again at once (in the background)."""
        task = asyncio.get_running_loop().create_task(self._unclaim([row.id for row in rows], wake=True))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _load_held_back(self) -> None:
        """At start-up: chats with a message waiting for a retry (from before a restart)."""
        async with self.sessions() as session:
            rows = await session.execute(
                select(OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.id).where(
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.attempts > 0,
                    OutboxMessage.next_attempt_at > self.clock(),
                )
            )
            for channel, chat_id, row_id in rows:
                self._held_back.setdefault((channel, chat_id), set()).add(row_id)

    def _settled(self, row: OutboxMessage) -> None:
        """A row is sent or given up: its chat is no longer held back by it."""
        key = (row.channel, row.chat_id)
        waiting = self._held_back.get(key)
        if waiting is not None:
            waiting.discard(row.id)
            if not waiting:
                del self._held_back[key]

    async def _claim(self, limit: int, busy: set[ChatKey], skip: set[int]) -> dict[ChatKey, list[OutboxMessage]]:
        """Due rows, by chat, claimed for this sender: locked with FOR UPDATE SKIP LOCKED on
        PostgreSQL (SQLite serialises writers anyway) and pushed `claim_seconds` into the future,
        so no other sender (another web process, a worker) takes them meanwhile. A sender that
        dies with rows claimed leaves them due again after that time: at worst sent twice, never
        lost. Replies to a user's own message come before messages the bot starts itself."""
        now = self.clock()
        earlier = aliased(OutboxMessage)
        waiting_before = exists().where(
            earlier.channel == OutboxMessage.channel,
            earlier.chat_id == OutboxMessage.chat_id,
            earlier.status == OutboxStatus.PENDING,
            earlier.id < OutboxMessage.id,
            earlier.next_attempt_at > now,
        )
        query = select(OutboxMessage).where(
            OutboxMessage.status == OutboxStatus.PENDING,
            OutboxMessage.next_attempt_at <= now,
            OutboxMessage.channel.in_(list(self.channels)),
            ~waiting_before,
        )
        query = query.order_by(OutboxMessage.priority, OutboxMessage.id).limit(limit)
        async with self.sessions() as session, session.begin():
            postgresql = on_postgresql(session)
            if busy:
                query = query.where(~in_pairs(OutboxMessage.channel, OutboxMessage.chat_id, "busy", postgresql=postgresql))
            if postgresql:
                query = query.with_for_update(skip_locked=True, of=OutboxMessage)
            by_chat: OrderedDict[ChatKey, list[OutboxMessage]] = OrderedDict()
            found = (await session.scalars(query, pairs_params(session, "busy", busy) if busy else None)).all()
            self._left_behind = bool(busy) or len(found) >= limit
            for row in found:
                if row.id in skip or not self.channels[row.channel].delivers_to(row.chat_id):
                    continue
                rows = by_chat.setdefault((row.channel, row.chat_id), [])
                if len(rows) < self.per_chat_batch:
                    rows.append(row)
                else:
                    self._left_behind = True
            await self._keep_chat_order(session, by_chat)
            ids = [row.id for rows in by_chat.values() for row in rows]
            if ids:
                await session.execute(
                    update(OutboxMessage)
                    .where(in_list(session, OutboxMessage.id, ids))
                    .values(next_attempt_at=now + timedelta(seconds=self.claim_seconds), claimed_by=self.name)
                )
        return by_chat

    async def _keep_chat_order(self, session: AsyncSession, by_chat: dict[ChatKey, list[OutboxMessage]]) -> None:
        """Keep of each chat only the rows that no other pending row of the chat precedes: one
        another sender holds (locked or claimed), or one left out here. Messages of a chat go out
        in the order they were queued, whichever process sends them."""
        if not by_chat:
            return
        rows = [row for chat in by_chat.values() for row in chat]
        pending = await session.execute(
            select(OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.id).where(
                OutboxMessage.status == OutboxStatus.PENDING,
                in_pairs(OutboxMessage.channel, OutboxMessage.chat_id, "chats", postgresql=on_postgresql(session)),
                OutboxMessage.id < max(row.id for row in rows),
            ),
            pairs_params(session, "chats", by_chat),
        )
        before: dict[ChatKey, list[int]] = {}
        for channel, chat_id, row_id in pending:
            before.setdefault((channel, chat_id), []).append(row_id)
        for key in list(by_chat):
            ours = {row.id for row in by_chat[key]}
            kept = []
            for row in sorted(by_chat[key], key=lambda r: r.id):
                if any(other < row.id and other not in ours for other in before.get(key, ())):
                    break
                kept.append(row)
            if kept:
                by_chat[key] = kept
            else:
                del by_chat[key]

    async def _work(self, key: ChatKey, rows: list[OutboxMessage]) -> None:
        """Send a chat's rows in order; rows handed over meanwhile (`take`) join the end of `rows`."""
        done: set[int] = set()
        all_sent = False
        try:
            try:
                await self._send_chat(key, rows, done)
            finally:
                self._rows.pop(key, None)  # finishing: nothing more joins (no await since the last row)
            left = [row.id for row in rows if row.id not in done]
            await self._unclaim(left)
            all_sent = not left
        except asyncio.CancelledError:  # a clean stop: what was not sent is due again at once
            with contextlib.suppress(Exception):
                await asyncio.shield(self._unclaim([row.id for row in rows]))  # sent ones are not pending
            raise
        except Exception:  # a database error while marking: the rows stay pending, found again
            log.exception("outbox worker for %s/%s failed", *key)
        finally:
            del self._workers[key]
            self._in_flight -= len(rows)
            if self._left_behind or not all_sent:  # else a claim round would find nothing
                self.wake()

    def _limiter(self, channel: Channel) -> KeyedLimiter:
        limiter = self._limiters.get(channel.name)
        if limiter is None:
            limits = channel.limits
            limiter = self._limiters[channel.name] = KeyedLimiter(
                limits.per_second, limits.per_chat_per_second, limits.per_chat_burst
            )
        return limiter

    async def _wait_out_pause(self, channel: str) -> None:
        loop = asyncio.get_running_loop()
        while (delay := self._paused_until.get(channel, 0.0) - loop.time()) > 0:
            await asyncio.sleep(delay)

    async def _unclaim(self, ids: list[int], *, wake: bool = False) -> None:
        """Rows claimed but not tried (a chat's earlier message is waiting for a retry) are due
        again at once; the retry still goes first, as they wait behind it. With `wake`, the
        claim round looks for them at once."""
        if ids:
            statement = (
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
                .values(next_attempt_at=self.clock(), claimed_by=None)
            )
            await self._write(statement, ids[0])
            if wake:
                self.wake()

    async def release_dead_claims(self) -> int:
        """At start-up: rows claimed by a sender on this host whose process is gone (kill -9) are
        due at once, not after their claim lapses. Another host's claims lapse by themselves."""
        host = self.name.rsplit(":", 1)[0]
        async with self.sessions() as session:
            holders = set(
                await session.scalars(
                    select(OutboxMessage.claimed_by).where(
                        OutboxMessage.status == OutboxStatus.PENDING,
                        OutboxMessage.claimed_by.like(f"{host}:%"),
                        OutboxMessage.next_attempt_at > self.clock(),
                    )
                )
            )
        dead = [holder for holder in holders if holder != self.name and not alive(holder)]
        if not dead:
            return 0
        async with self.sessions() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.claimed_by.in_(dead))
                .values(next_attempt_at=self.clock(), claimed_by=None)
            )
        log.warning("outbox: %d message(s) claimed by stopped sender(s) %s are due again", result.rowcount, dead)
        return result.rowcount

    async def _send_chat(self, key: ChatKey, rows: list[OutboxMessage], done: set[int]) -> None:
        channel = self.channels[key[0]]
        limiter = self._limiter(channel)
        limits = channel.limits
        group_rate = limits.per_group_per_minute if limits.is_group(key[1]) else None
        for row in rows:
            done.add(row.id)
            await self._wait_out_pause(channel.name)
            if group_rate:
                await limiter.acquire(key[1], rate=group_rate / 60, burst=limits.per_group_burst)
            else:
                await limiter.acquire(key[1])
            await self._wait_out_pause(channel.name)
            try:
                external_id = await channel.send(row.chat_id, Reply.from_json(row.payload))
            except HoldMessage as exc:
                log.info("outbox %s held for %s/%s: %s", row.id, *key, exc)
                self._settled(row)
                await self._mark(row.id, status=OutboxStatus.WAITING, last_error=str(exc))
                continue
            except SendError as exc:
                if exc.retry_after is not None:
                    self.rate_limited += 1
                    log.warning("outbox %s: told to wait %.1fs", row.id, exc.retry_after)
                    loop_time = asyncio.get_running_loop().time()
                    self._paused_until[channel.name] = max(  # never a busy loop on "retry after 0"
                        self._paused_until.get(channel.name, 0.0), loop_time + max(exc.retry_after, MIN_PAUSE)
                    )
                    await self._retry(row, exc.reason, delay=exc.retry_after, count=False)
                    return  # keep this chat's order: the rest waits for the retry
                if exc.permanent:
                    self._settled(row)
                    await self._mark(row.id, status=OutboxStatus.FAILED, last_error=exc.reason)
                    continue
                await self._retry(row, exc.reason)
                return
            except Exception as exc:  # an adapter bug or a network error: retry, never lose
                log.exception("outbox %s: send failed", row.id)
                await self._retry(row, f"{type(exc).__name__}: {exc}")
                return
            await self._sent(row, external_id)

    async def _retry(
        self, row: OutboxMessage, reason: str, *, delay: float | None = None, count: bool = True
    ) -> None:
        attempts = row.attempts + (1 if count else 0)
        if attempts >= self.max_attempts:
            log.error("outbox %s: gave up after %d tries: %s", row.id, attempts, reason)
            self._settled(row)
            await self._mark(row.id, status=OutboxStatus.FAILED, attempts=attempts, last_error=reason)
            return
        wait = delay if delay is not None else self.base_backoff * 2 ** (attempts - 1)
        self._held_back.setdefault((row.channel, row.chat_id), set()).add(row.id)
        await self._mark(
            row.id,
            attempts=attempts,
            last_error=reason[:2000],
            next_attempt_at=self.clock() + timedelta(seconds=wait),
        )

    async def _sent(self, row: OutboxMessage, external_id: str | None) -> None:
        """Mark a row sent. The farewell after /forget is deleted instead (its chat id names someone
        who is gone), and a document's bytes (a /mydata copy) are not kept once it is out."""
        self._settled(row)
        if row.payload.get("kind") == FAREWELL:
            await self._write(delete(OutboxMessage).where(OutboxMessage.id == row.id), row.id)
            return
        values: dict[str, object] = {"status": OutboxStatus.SENT, "sent_at": self.clock(), "external_id": external_id}
        if row.payload.get("document"):
            values["payload"] = {**row.payload, "document": None}
        if external_id is not None and external_id.startswith("poll:"):  # an answer may come at once
            await self._write(update(OutboxMessage).where(OutboxMessage.id == row.id).values(**values), row.id)
            return
        await self._mark(row.id, **values)

    async def _mark(self, row_id: int, **values: object) -> None:
        """Record a send's outcome; returns once it is written. The outcomes of every chat's
        worker that finish at about the same time are written together (`GroupCommit`)."""
        await self._marks.write([{"id": row_id, **values}])

    async def _write_marks(self, marks: list[dict[str, object]]) -> None:
        groups: dict[tuple[str, ...], list[dict[str, object]]] = {}
        for values in marks:
            groups.setdefault(tuple(sorted(values)), []).append(values)
        await self._write_all([(update(OutboxMessage), rows) for rows in groups.values()], marks[0]["id"])

    async def _write(self, statement: Executable, row_id: int) -> None:
        await self._write_all([(statement, None)], row_id)

    async def _write_all(self, statements: list[tuple[Executable, list | None]], row_id: int) -> None:
        """Record sends' outcomes. A busy database (SQLite's write lock) is waited out a few
        times: a message sent but not marked would be sent again after the next poll."""
        for attempt in range(MARK_TRIES):
            try:
                async with self.sessions() as session, session.begin():
                    for statement, params in statements:
                        if params is None:
                            await session.execute(statement)
                        else:  # ORM bulk UPDATE by primary key
                            await session.execute(statement, params)
                return
            except OperationalError:
                if attempt == MARK_TRIES - 1:
                    raise
                log.warning("outbox %s: database busy while marking, trying again", row_id)
                await asyncio.sleep(0.2 * 2**attempt)

