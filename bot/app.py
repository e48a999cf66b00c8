"""The composition root: settings -> database, flows, engine, outbox sender and channels."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.certificates import CertificateDrawer
from bot.posters import PosterDrawer
from bot.channels.base import Channel
from bot.config import Settings
from bot.geo import shared_geography
from bot.geocode import NominatimGeocoder
from bot.blur import PhotoBlur
from bot.charts import ChartDrawer
from bot.open311_client import Open311Client
from bot.photos import PhotoStore
from bot.public_copies import PublicCopies
from bot.i18n import translators
from bot.outbox import OutboxSender
from bot.ratelimit import InputLimiter
from handlers import build_router
from handlers.deep_links import DeepLinks
from handlers.engine import Engine
from handlers.services import BLUR, CERTIFICATES, CHARTS, DEEP_LINKS, LIMITS, PHOTOS, POSTERS, UsageLimits
from jobs.handover_targets import OPEN311_CLIENT
from storage.base import utcnow
from storage.db import create_engine, migrate, session_factory
from storage.files import private_dir
from storage.limits import stored_salt

log = logging.getLogger(__name__)


def build_services(settings: Settings) -> dict[str, Any]:
    """What flows may use besides the database, by name (see `Ctx.service`)."""
    private_dir(settings.MEDIA_DIR)
    services: dict[str, Any] = {
        "settings": settings,
        "media_dir": settings.MEDIA_DIR,
        "geo": shared_geography(),
        "photos": PhotoStore(settings.MEDIA_DIR),
        BLUR: PhotoBlur(settings.MEDIA_DIR),
        CERTIFICATES: CertificateDrawer(),
        POSTERS: PosterDrawer(),
        CHARTS: ChartDrawer(),
        DEEP_LINKS: DeepLinks(settings.TELEGRAM_BOT_USERNAME, settings.TWILIO_WHATSAPP_FROM),
    }
    services[OPEN311_CLIENT] = Open311Client()
    if settings.GEOCODING_ENABLED:
        services["geocoder"] = NominatimGeocoder(settings.GEOCODING_USER_AGENT)
    return services


async def usage_limits(settings: Settings, sessions: async_sessionmaker[AsyncSession]) -> UsageLimits:
    salt = settings.IDENTITY_SALT
    if not salt:
        async with sessions() as session, session.begin():
            salt = await stored_salt(session)
    return UsageLimits(salt, settings.REPORTS_PER_DAY, settings.DUPLICATE_CHECKS_PER_DAY)


@dataclass
class App:
    settings: Settings
    db: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    engine: Engine
    sender: OutboxSender
    channels: dict[str, Channel] = field(default_factory=dict)
    public_copies: PublicCopies | None = None

    @property
    def deep_links(self) -> DeepLinks:
        return self.engine.router.services[DEEP_LINKS]

    def add_channel(self, channel: Channel) -> None:
        self.channels[channel.name] = channel
        self.engine.media_fetchers[channel.name] = channel.fetch_media
        if not getattr(channel, "holds_messages", True):
            self.engine.never_holding.add(channel.name)

    async def close(self) -> None:
        if self.public_copies is not None:
            await self.public_copies.close()
        await self.db.dispose()


async def create_app(
    settings: Settings, *, run_migrations: bool = True, clock: Callable[[], datetime] = utcnow
) -> App:
    if run_migrations:
        await migrate(settings.DATABASE_URL)
    db = create_engine(settings.DATABASE_URL)
    sessions = session_factory(db)
    router = build_router(build_services(settings))
    router.services[LIMITS] = await usage_limits(settings, sessions)
    engine = Engine(
        sessions,
        router,
        translators(),
        is_admin=settings.is_admin,
        clock=clock,
        fallback_language=settings.FALLBACK_LANGUAGE,
    )
    engine.admit = InputLimiter(settings.INPUTS_PER_MINUTE)
    engine.media_preparers.append(router.services[PHOTOS].prepare_ahead)
    engine.in_order = db.dialect.name == "postgresql"  # web processes side by side: per-chat locks
    channels: dict[str, Channel] = {}
    sender = OutboxSender(sessions, channels, clock=clock)
    engine.direct = sender  # woken after commits; a step's answer is handed to it straight after its commit
    public_copies = PublicCopies(sessions, router.services[PHOTOS], router.services[BLUR], clock)
    engine.after_commit.append(public_copies.wake)
    app = App(settings, db, sessions, engine, sender, channels, public_copies)
    if settings.SMTP_HOST:  # e-mail to regions goes through the outbox like every message
        from bot.channels.email import EmailChannel

        app.add_channel(EmailChannel(settings))
    return app
