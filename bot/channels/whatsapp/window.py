"""WhatsApp's 24-hour rule: free text only within 24 h of the user's last message.

The engine stamps `Identity.last_inbound_at` on every message a user sends. A message that cannot
go out (window closed, no template for its kind) waits in the outbox with status "waiting"; when
the user writes again, their waiting messages go back to "pending" and are sent.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.models import Identity, OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

WINDOW = timedelta(hours=24)
SAFETY = timedelta(minutes=5)  # a message queued at 23:59 may reach Twilio after 24:00


async def last_inbound(sessions: async_sessionmaker[AsyncSession], channel: str, chat_id: str) -> datetime | None:
    async with sessions() as session:
        return await session.scalar(
            select(Identity.last_inbound_at).where(
                Identity.channel == channel, Identity.chat_id == chat_id
            ).order_by(Identity.last_inbound_at.desc()).limit(1)
        )


def window_open(last: datetime | None, now: datetime) -> bool:
    return last is not None and now - last < WINDOW - SAFETY


async def release_held(sessions: async_sessionmaker[AsyncSession], channel: str, now: datetime) -> int:
    """At start-up: waiting messages of chats whose window is open again go back to the sender;
    how many. (A user's next message releases theirs in the engine's step.)"""
    async with sessions() as session, session.begin():
        open_chats = select(Identity.chat_id).where(
            Identity.channel == channel, Identity.last_inbound_at > now - (WINDOW - SAFETY)
        )
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.status == OutboxStatus.WAITING,
                OutboxMessage.chat_id.in_(open_chats),
            )
            .values(status=OutboxStatus.PENDING, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
    if result.rowcount:
        log.info("released %d held WhatsApp message(s)", result.rowcount)
    return result.rowcount
