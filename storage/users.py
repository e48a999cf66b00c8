"""Where to reach a person."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, User

CHANNELS = ("telegram", "whatsapp", "console")


def parse_account(text: str) -> tuple[str, str] | None:
    """("telegram", "123") for "telegram:123" (also whatsapp:+NUMBER, console:NAME), else None."""
    channel, _, external_id = text.strip().partition(":")
    if channel not in CHANNELS or not external_id.strip():
        return None
    return channel, external_id.strip()


async def latest_address(
    session: AsyncSession, user_id: int | None
) -> tuple[str, str, str | None] | None:
    """(channel, chat_id, language) of the channel the person used last; None when they can no
    longer be reached (no identity left, e.g. after /forget)."""
    if user_id is None:
        return None
    return (await latest_addresses(session, [user_id])).get(user_id)


async def latest_addresses(
    session: AsyncSession, user_ids: list[int], chunk: int = 1000
) -> dict[int, tuple[str, str, str | None]]:
    """`latest_address` for many people at once (a job writing to thousands): a few queries per
    thousand people instead of two per person. People who cannot be reached are left out."""
    found: dict[int, tuple[str, str, str | None]] = {}
    seen: dict[int, object] = {}
    unique = list(dict.fromkeys(user_ids))
    for start in range(0, len(unique), chunk):
        rows = await session.execute(
            select(Identity.user_id, Identity.channel, Identity.chat_id, Identity.last_inbound_at, Identity.created_at, User.language)
            .join(User, User.id == Identity.user_id)
            .where(Identity.user_id.in_(unique[start : start + chunk]))
        )
        for user_id, channel, chat_id, last_inbound, created, language in rows.all():
            when = last_inbound or created
            if user_id not in seen or when > seen[user_id]:  # type: ignore[operator]
                seen[user_id] = when
                found[user_id] = (channel, chat_id, language)
    return found
