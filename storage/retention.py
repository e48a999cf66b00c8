"""Retention deletes, in batches (one short transaction each, so the bot's own steps are never
held up long): what people wrote and what the bot sent them is kept no longer than needed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import InboxUpdate, OutboxMessage, OutboxStatus

FINISHED = (OutboxStatus.SENT, OutboxStatus.FAILED)  # not pending nor waiting: never sent yet


async def delete_processed_inbox(session: AsyncSession, before: datetime, limit: int) -> int:
    """Up to `limit` incoming updates processed before `before`; how many."""
    ids = (
        select(InboxUpdate.id)
        .where(InboxUpdate.processed_at.is_not(None), InboxUpdate.processed_at < before)
        .order_by(InboxUpdate.id)
        .limit(limit)
    )
    result = await session.execute(delete(InboxUpdate).where(InboxUpdate.id.in_(ids.scalar_subquery())))
    return result.rowcount or 0


async def delete_finished_outbox(session: AsyncSession, before: datetime, limit: int) -> int:
    """Up to `limit` outgoing messages sent (or given up) that were queued before `before`."""
    ids = (
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_(FINISHED), OutboxMessage.created_at < before)
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    result = await session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids.scalar_subquery())))
    return result.rowcount or 0
