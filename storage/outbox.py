"""Queuing a message: the one place that writes an outbox row. The row joins the caller's
transaction (a conversation step's or a job's), so the message exists only if that commits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import OutboxMessage, OutboxPriority


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
    for start in range(0, len(rows), BATCH):
        await session.execute(insert(OutboxMessage), rows[start : start + BATCH])


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
