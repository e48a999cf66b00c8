"""Where moderation messages go: a region's moderator chats; for a region with no moderator, the
national queue (chats bound to 'national' and the admins' own chats)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Identity, User
from storage.moderation import NATIONAL, chats_of_region, moderated_regions

Destination = tuple[str, str, str | None]  # channel, chat_id, language (None: not known)


async def admin_destinations(session: AsyncSession, admins: Iterable[str]) -> list[Destination]:
    """The admins' private chats. An admin who never wrote to the bot is reached at their id
    (a Telegram private chat's id is the user's id), in a language not known yet."""
    found: list[Destination] = []
    for account in admins:
        channel, _, external_id = account.partition(":")
        row = (
            await session.execute(
                select(Identity.chat_id, User.language)
                .join(User, User.id == Identity.user_id)
                .where(Identity.channel == channel, Identity.external_id == external_id)
            )
        ).first()
        chat_id, language = (row[0], row[1]) if row else (external_id, None)
        found.append((channel, chat_id, language))
    return found


class Routes:
    """Destinations within one transaction: which regions have moderators and who forms the
    national queue are looked up once, however many regions a job goes through."""

    def __init__(self, session: AsyncSession, admins: Iterable[str]) -> None:
        self.session = session
        self.admins = list(admins)
        self._moderated: set[str] | None = None
        self._national: list[Destination] | None = None

    async def national(self) -> list[Destination]:
        if self._national is None:
            chats = [(c.channel, c.chat_id, c.language) for c in await chats_of_region(self.session, NATIONAL)]
            self._national = _unique(chats + await admin_destinations(self.session, self.admins))
        return self._national

    async def region(self, region_code: str) -> tuple[list[Destination], bool]:
        """The region's moderator chats, and whether the region is in the national queue instead."""
        if self._moderated is None:
            self._moderated = await moderated_regions(self.session)
        if region_code not in self._moderated:
            return await self.national(), True
        chats = await chats_of_region(self.session, region_code)
        return _unique([(c.channel, c.chat_id, c.language) for c in chats]), False


async def region_destinations(
    session: AsyncSession, region_code: str, admins: Iterable[str]
) -> tuple[list[Destination], bool]:
    """One region's destinations (see `Routes` for many)."""
    return await Routes(session, admins).region(region_code)


def _unique(items: list[Destination]) -> list[Destination]:
    seen: set[tuple[str, str]] = set()
    result = []
    for channel, chat_id, language in items:
        if (channel, chat_id) not in seen:
            seen.add((channel, chat_id))
            result.append((channel, chat_id, language))
    return result
