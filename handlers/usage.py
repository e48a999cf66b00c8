"""What one person may do per day (reports sent, "is it this report?" questions seen), counted by
a salted hash of their channel account (storage.limits): /forget and /start do not reset it."""

from __future__ import annotations

from datetime import datetime, time

from handlers.context import Ctx
from handlers.i18n import KZ_TZ
from handlers.services import LIMITS, UsageLimits
from storage.limits import add_usage, subject_key, usage

REPORT, DUPLICATE_CHECK = "report", "duplicate_check"


def limits(ctx: Ctx) -> UsageLimits:
    return ctx.service(LIMITS)


def day_start(now: datetime) -> datetime:
    """Midnight of Kazakhstan's calendar day."""
    return datetime.combine(now.astimezone(KZ_TZ).date(), time(0), tzinfo=KZ_TZ)


def _subject(ctx: Ctx) -> str:
    return subject_key(limits(ctx).salt, ctx.identity.channel, ctx.identity.external_id)


async def used_today(ctx: Ctx, kind: str) -> int:
    return await usage(ctx.session, _subject(ctx), kind, day_start(ctx.now))


async def count_use(ctx: Ctx, kind: str) -> None:
    await add_usage(ctx.session, _subject(ctx), kind, day_start(ctx.now))
