"""What a job sees: the database, the app's clock, translators, services, and the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from types import ModuleType
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.i18n import Translator
from handlers.types import Reply
from storage.models import OutboxMessage

if TYPE_CHECKING:
    from bot.app import App

log = logging.getLogger(__name__)


@dataclass
class JobContext:
    sessions: async_sessionmaker[AsyncSession]
    clock: Callable[[], datetime]
    translators: dict[str, Translator]
    services: dict[str, Any]
    wake_sender: Callable[[], None]

    @property
    def settings(self) -> Any:
        return self.services["settings"]

    def tr(self, language: str | None) -> Translator:
        return self.translators.get(language or "", self.translators["ru"])

    @staticmethod
    def send(session: AsyncSession, channel: str, chat_id: str, reply: Reply, now: datetime) -> None:
        """Queue a message in the job's own transaction: it is sent only if the job commits."""
        session.add(
            OutboxMessage(
                channel=channel, chat_id=chat_id, payload=reply.to_json(), created_at=now, next_attempt_at=now
            )
        )


def job_modules() -> dict[str, ModuleType]:
    from jobs import JOB_MODULES

    modules = [import_module(name) for name in JOB_MODULES]
    return {module.NAME: module for module in modules}


def job_context(app: App) -> JobContext:
    return JobContext(
        sessions=app.sessions,
        clock=app.engine.clock,
        translators=app.engine.translators,
        services=app.engine.router.services,
        wake_sender=app.sender.wake,
    )


async def run_job(app: App, name: str) -> str:
    """Run one job now, then wake the outbox sender for what it queued."""
    module = job_modules()[name]
    summary = await module.run(job_context(app))
    app.sender.wake()
    log.info("job %s: %s", name, summary)
    return summary
