"""What a job is and what it sees: the database, the app's clock, the settings, the services, the
geodata and a notifier that queues messages in the job's transaction. Jobs do not know the bot:
the composition root (bot/scheduler.py) builds the `JobContext` and schedules every `Job`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from apscheduler.triggers.base import BaseTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.i18n import Translator
from handlers.notify import Notifier
from handlers.types import Reply
from storage.outbox import queue_message, queue_messages


class JobSettings(Protocol):
    """The settings jobs read (bot.config.Settings has them)."""

    ADMINS: list[str]
    MEDIA_DIR: Path
    FALLBACK_LANGUAGE: str
    HANDOVER_EVERY_MINUTES: int
    ESCALATION_HOURS: float
    ANNOUNCE_PER_RUN: int
    RETENTION_DAYS: int
    TREE_CHECKIN_MONTHS: list[int]
    HANDOVER_GIVE_UP_HOURS: float
    HANDOVER_PULL_EVERY_MINUTES: int


@dataclass
class JobContext:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    settings: JobSettings
    services: Mapping[str, Any]
    translators: Mapping[str, Translator]
    geodata_dir: Path  # the region and district polygons (kz_regions.geojson, ...)
    wake_sender: Callable[[], None]
    _notifiers: list[Notifier] = field(default_factory=list, init=False, repr=False)

    def notifier(self, session: AsyncSession, now: datetime) -> Notifier:
        """Messages queued in `session`'s transaction: they exist only if the job commits."""

        def queue(channel: str, chat_id: str, reply: Reply) -> None:
            queue_message(session, channel, chat_id, reply.to_json(), now)

        async def queue_many(messages: list[tuple[str, str, Reply]]) -> None:
            payloads: dict[int, dict[str, Any]] = {}  # a reply sent to many is serialised once
            await queue_messages(
                session,
                [(channel, chat_id, payloads.setdefault(id(reply), reply.to_json())) for channel, chat_id, reply in messages],
                now,
            )

        notifier = Notifier(session, self.translators, self.settings.FALLBACK_LANGUAGE, queue, queue_many)
        self._notifiers.append(notifier)
        return notifier

    @property
    def unreachable(self) -> int:
        """People this run could not write to (no identity left after /forget)."""
        return sum(notifier.unreachable for notifier in self._notifiers)


@dataclass(frozen=True)
class Job:
    """One scheduled job, as a jobs module lists it in its `JOBS`."""

    name: str
    help: str
    trigger: Callable[[JobSettings], BaseTrigger]  # when it runs, from the settings
    run: Callable[[JobContext], Awaitable[str]]  # returns a one-line summary
