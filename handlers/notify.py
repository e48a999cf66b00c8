"""One way to write to a person or a chat outside the conversation at hand, for flows and jobs
alike: a person is reached at the chat they used last, in their own language, and every message
is translated with one fallback language (the `FALLBACK_LANGUAGE` setting) when the language is
unknown. Messages are queued in the caller's transaction through `queue`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Mapping, Sequence
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import Translator
from handlers.types import Reply
from storage.users import latest_address, latest_addresses

K = TypeVar("K", bound=Hashable)
Queue = Callable[[str, str, Reply], None]  # (channel, chat_id, reply): into the caller's transaction
QueueMany = Callable[[list[tuple[str, str, Reply]]], Awaitable[None]]  # the same for a batch


class Notifier:
    def __init__(
        self,
        session: AsyncSession,
        translators: Mapping[str, Translator],
        fallback_language: str,
        queue: Queue,
        queue_many: QueueMany | None = None,
    ) -> None:
        self.session = session
        self.translators = translators
        self.fallback = translators[fallback_language]
        self.queue = queue
        self.queue_many = queue_many
        # People left unreached because no identity is left (they used /forget): a job reports it.
        self.unreachable = 0

    def translator(self, language: str | None) -> Translator:
        return self.translators.get(language or "", self.fallback)

    def to_chat(self, channel: str, chat_id: str, reply: Reply) -> None:
        """A message to a chat whose language the caller already knows (a moderator chat)."""
        self.queue(channel, chat_id, reply)

    async def to_user(self, user_id: int | None, build: Callable[[Translator], Reply]) -> bool:
        """`build(translator)` in the person's language at their latest chat; False, and counted,
        when they can no longer be reached."""
        address = await latest_address(self.session, user_id)
        if address is None:
            self.unreachable += 1
            return False
        channel, chat_id, language = address
        self.queue(channel, chat_id, build(self.translator(language)))
        return True

    async def to_users(self, recipients: Sequence[tuple[int, K]], build: Callable[[Translator, K], Reply]) -> int:
        """Many people at once (a job writing to thousands): `build(translator, key)` is made once
        per key and language and sent to each (person, key); their addresses are looked up in a
        few queries instead of two per person. Returns how many were reached; the others are
        counted as unreachable."""
        addresses = await latest_addresses(self.session, [user_id for user_id, _key in recipients])
        built: dict[tuple[K, str | None], Reply] = {}
        messages: list[tuple[str, str, Reply]] = []
        for user_id, key in recipients:
            address = addresses.get(user_id)
            if address is None:
                self.unreachable += 1
                continue
            channel, chat_id, language = address
            if (key, language) not in built:
                built[key, language] = build(self.translator(language), key)
            messages.append((channel, chat_id, built[key, language]))
        if self.queue_many is not None:
            await self.queue_many(messages)
        else:
            for message in messages:
                self.queue(*message)
        return len(messages)
