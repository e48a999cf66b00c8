"""What /forget deletes of a person's chats: the rows keyed by their chat id (a phone number on
WhatsApp). Feature tables erase their own rows through the router's erasers."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ConversationState, InboxUpdate, OutboxMessage


async def erase_chat(session: AsyncSession, channel: str, chat_id: str, *, keep_state: bool = False) -> None:
    """Processed incoming updates (what the person wrote), every outgoing message (sent ones echo
    what they wrote, pending ones are for someone who is gone) and the conversation state.
    Updates not processed yet stay: they are the person's next messages, for whoever they are then.
    `keep_state` leaves the state of the chat whose step is running (the engine drops it)."""
    await session.execute(
        delete(InboxUpdate).where(
            InboxUpdate.channel == channel,
            InboxUpdate.chat_id == chat_id,
            InboxUpdate.processed_at.is_not(None),
        )
    )
    await session.execute(
        delete(OutboxMessage).where(OutboxMessage.channel == channel, OutboxMessage.chat_id == chat_id)
    )
    if not keep_state:
        await session.execute(
            delete(ConversationState).where(
                ConversationState.channel == channel, ConversationState.chat_id == chat_id
            )
        )
