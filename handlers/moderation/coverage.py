"""Who looks at a region's reports: its moderators; where it has none, the national queue (chats
bound to 'national' and the admins); where there is no national queue either, nobody yet.
The reporter is told which, and operators are warned (start-up log, `admin list`)."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Ctx
from handlers.i18n import Translator
from handlers.places import area_name
from handlers.services import GEO
from storage.moderation import NATIONAL, chats_of_region, moderated_regions


class Checker(StrEnum):
    MODERATORS = "moderators"  # the region's own moderators
    NATIONAL = "national"  # no moderator: the national queue (admins, national chats)
    NOBODY = "nobody"  # no moderator, no admin, no national chat: the report waits


async def checker_of(session: AsyncSession, region_code: str, admins: Iterable[str]) -> Checker:
    if region_code in await moderated_regions(session):
        return Checker.MODERATORS
    if list(admins) or await chats_of_region(session, NATIONAL):
        return Checker.NATIONAL
    return Checker.NOBODY


async def what_happens_next(ctx: Ctx, region_code: str) -> str:
    """The honest "what happens next" of a new report of the region, for its reporter."""
    region = area_name(ctx.service(GEO), ctx.tr.language, region_code, None)
    checker = await checker_of(ctx.session, region_code, ctx.service("settings").ADMINS)
    if checker is Checker.MODERATORS:
        return ctx._(
            "What happens next: the moderators of {region} check it and hand it over to the akimat.",
            region=region,
        )
    if checker is Checker.NATIONAL:
        return ctx._(
            "What happens next: {region} has no moderators of its own yet, so the bot's "
            "administrators check it and hand it over to the akimat.",
            region=region,
        )
    return ctx._(
        "What happens next: nobody has been appointed to check the reports of {region} yet. "
        "Your report is kept and will be checked once a moderator is appointed.",
        region=region,
    )


def passed_on(tr: Translator, code: str, region: str, checker: Checker) -> str:
    """The reporter's news that a moderator passed the report to another region, saying who
    will look at it there."""
    if checker is Checker.MODERATORS:
        return tr._("Your report {code} has been passed to the moderators of {region}.", code=code, region=region)
    if checker is Checker.NATIONAL:
        return tr._(
            "Your report {code} has been passed to {region}. It has no moderators of its own yet, so the "
            "bot's administrators will check it.",
            code=code,
            region=region,
        )
    return tr._(
        "Your report {code} has been passed to {region}. Nobody has been appointed to check its reports "
        "yet; it will be checked once a moderator is appointed.",
        code=code,
        region=region,
    )


async def uncovered_regions(session: AsyncSession, region_codes: Iterable[str]) -> list[str]:
    """The regions with no moderator, by code."""
    return sorted(set(region_codes) - await moderated_regions(session))


async def coverage_warnings(session: AsyncSession, region_codes: Iterable[str], admins: Iterable[str]) -> list[str]:
    """For operators (English, like the rest of the logs): regions with no moderators, and an
    empty national queue."""
    warnings = []
    uncovered = await uncovered_regions(session, region_codes)
    if uncovered:
        warnings.append(
            f"{len(uncovered)} region(s) have no moderators; their reports go to the national queue: "
            + ", ".join(uncovered)
        )
    if not list(admins) and not await chats_of_region(session, NATIONAL):
        warnings.append(
            "the admin list (ADMINS) is empty and no chat is bound to 'national': "
            "reports of regions with no moderators are seen by nobody"
        )
    return warnings
