"""Queuing a message: the one place that writes an outbox row. The row joins the caller's
transaction (a conversation step's or a job's), so the message exists only if that commits."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, event, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session

from storage.db import in_pairs, on_postgresql, pairs_params
from storage.models import OutboxMessage, OutboxPriority, OutboxStatus


def queue_message(
    session: AsyncSession,
    channel: str,
    chat_id: str,
    payload: dict[str, Any],
    now: datetime,
    priority: int = OutboxPriority.BOT_INITIATED,
) -> OutboxMessage:
    """Due at once; the sender picks it up after the commit. The row is returned for callers that
    follow its delivery (a handover e-mail)."""
    row = OutboxMessage(
        channel=channel, chat_id=chat_id, payload=payload, created_at=now, next_attempt_at=now, priority=priority
    )
    session.add(row)
    queued_chats(session).add((channel, chat_id))
    return row


BATCH = 5000


async def queue_messages(
    session: AsyncSession,
    messages: Sequence[tuple[str, str, dict[str, Any]]],
    now: datetime,
    priority: int = OutboxPriority.BOT_INITIATED,
) -> None:
    """Many messages at once (a job writing to thousands): multi-row INSERTs instead of one ORM
    object each, in the caller's transaction like `queue_message`."""
    rows = [
        {
            "channel": channel,
            "chat_id": chat_id,
            "payload": payload,
            "created_at": now,
            "next_attempt_at": now,
            "priority": priority,
        }
        for channel, chat_id, payload in messages
    ]
    queued_chats(session).update((channel, chat_id) for channel, chat_id, _ in messages)
    for start in range(0, len(rows), BATCH):
        await session.execute(insert(OutboxMessage), rows[start : start + BATCH])


async def queue_after_step(
    session: AsyncSession,
    messages: Sequence[tuple[str, str, dict[str, Any], int]],
    now: datetime,
    claim: Callable[[str, str], tuple[str, datetime] | None] = lambda channel, chat_id: None,
) -> list[OutboxMessage]:
    """A conversation step's answers (channel, chat id, payload, priority), in one INSERT without
    ORM objects, after what the step queued itself (flushed first, so ids keep the order). After
    `defer_writes`, the INSERT waits to take several steps' answers at once.

    `claim(channel, chat_id)` may answer (sender, until): that message is written already claimed
    by that sender (bot/outbox.py), which sends it straight after the commit. Returned: the claimed
    messages, as detached rows for the sender (their ids are set once written)."""
    if not messages:
        return []
    if session.new:
        await session.flush()
    rows = []
    for channel, chat_id, payload, priority in messages:
        claimed_by, due = claim(channel, chat_id) or (None, now)
        rows.append({"channel": channel, "chat_id": chat_id, "payload": payload, "created_at": now,
                     "next_attempt_at": due, "priority": priority, "claimed_by": claimed_by})
    queued_chats(session).update((row["channel"], row["chat_id"]) for row in rows if not row["claimed_by"])
    written = [  # each row with the message handed to the sender when it is claimed
        (row, OutboxMessage(attempts=0, status=OutboxStatus.PENDING, **row) if row["claimed_by"] else None)
        for row in rows
    ]
    deferred = session.info.get(DEFERRED)
    if deferred is not None:
        deferred.extend(written)
    else:
        await session.run_sync(_insert, written)
    return [message for _, message in written if message is not None]


DEFERRED = "taza.outbox.deferred"  # session.info: answers waiting for their INSERT


def defer_writes(session: AsyncSession) -> None:
    """Group commit: from now on `queue_after_step` keeps the answers in memory. They are written
    in one INSERT before anything else goes to the database through this session (a statement, a
    flush), so no query ever misses them and the ids keep the order in which they were queued;
    and at the latest by `write_deferred`, before the commit."""
    session.info[DEFERRED] = []


async def write_deferred(session: AsyncSession) -> None:
    """Write what `defer_writes` kept (the end of a batch, before its commit)."""
    if session.info.get(DEFERRED):
        await session.run_sync(_write_deferred)


def _write_deferred(session: Session, *_: Any) -> None:
    deferred = session.info.get(DEFERRED)
    if deferred:
        session.info[DEFERRED] = []
        _insert(session, deferred)


def _insert(session: Session, rows: list[tuple[dict[str, Any], OutboxMessage | None]]) -> None:
    """INSERT the rows; those with a claimed message get its id (RETURNING, in the rows' order)."""
    table = OutboxMessage.__table__
    connection = session.connection()
    values = [row for row, _ in rows]
    if all(message is None for _, message in rows):
        connection.execute(insert(table), values)
        return
    # SQLAlchemy keeps RETURNING in the rows' order by one INSERT per row on SQLite, which has no
    # ordered form. Under SQLite's single writer, a multi-row INSERT numbers its rows in order:
    # there, the ids sorted are the rows' ids.
    ordered = connection.dialect.name != "sqlite"
    ids = connection.execute(insert(table).returning(table.c.id, sort_by_parameter_order=ordered), values).scalars().all()
    for row_id, (_, message) in zip(ids if ordered else sorted(ids), rows):
        if message is not None:
            message.id = row_id


def _write_before_statement(state: ORMExecuteState) -> None:
    _write_deferred(state.session)


event.listen(Session, "do_orm_execute", _write_before_statement)
event.listen(Session, "before_flush", _write_deferred)


async def chats_with_backlog(
    session: AsyncSession, chats: Sequence[tuple[str, str]], sender: str
) -> set[tuple[str, str]]:
    """Of these chats, those with a message due or waiting that `sender` does not have in hand
    (queued by a job, claimed by another process): a step's answer must not overtake it."""
    if not chats:
        return set()
    rows = await session.execute(
        _backlog_query(on_postgresql(session)), {**pairs_params(session, "chats", chats), "sender": sender}
    )
    return {(channel, chat_id) for channel, chat_id in rows}


@functools.cache
def _backlog_query(postgresql: bool) -> Select[tuple[str, str]]:
    """Built once per database kind (see `storage.db.in_pairs`)."""
    return (
        select(OutboxMessage.channel, OutboxMessage.chat_id)
        .where(
            OutboxMessage.status == OutboxStatus.PENDING,
            in_pairs(OutboxMessage.channel, OutboxMessage.chat_id, "chats", postgresql=postgresql),
            or_(OutboxMessage.claimed_by.is_(None), OutboxMessage.claimed_by != bindparam("sender")),
        )
        .distinct()
    )


def queued_chats(session: AsyncSession) -> set[tuple[str, str]]:
    """The chats this transaction queued messages for that no sender has claimed: a step's own
    answer is not sent ahead of them (`Engine._write_outbox`)."""
    return session.info.setdefault("taza.queued_chats", set())


async def sent_payload(session: AsyncSession, channel: str, chat_id: str, external_id: str) -> dict[str, Any] | None:
    """The payload of the message sent to this chat that the platform knows as `external_id`.
    A Telegram poll answer names only its poll: this is how it finds the question it answers."""
    return await session.scalar(
        select(OutboxMessage.payload)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.external_id == external_id,
            OutboxMessage.chat_id == chat_id,
        )
        .limit(1)
    )
