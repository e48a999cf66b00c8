"""What the citizens' looks at a site to verify decide: two who found the dump (and nobody who found
nothing) make it a report like any other, handed over to the regional queue by the next handover,
and each of them earns eco-points; two who found nothing (and nobody who found it) close it as not
found, and they earn the points; any disagreement sends it to the region's moderators to decide."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from handlers.context import Ctx
from handlers.i18n import Translator
from handlers.moderation.triage import record_status
from handlers.points.ledger import award
from handlers.types import Reply
from storage.points import RULES, Deed
from storage.reports import Report, ReportStatus
from storage.sites import DetectedSite, SiteVerification, Verdict

NEEDED = 2  # independent looks that agree


class Outcome(StrEnum):
    WAITING = "waiting"  # one more look is needed
    CONFIRMED = "confirmed"
    NOT_FOUND = "not_found"
    DISAGREE = "disagree"


def outcome_of(site: DetectedSite) -> Outcome:
    if site.here_count and site.nothing_count:
        return Outcome.DISAGREE
    if site.here_count >= NEEDED:
        return Outcome.CONFIRMED
    if site.nothing_count >= NEEDED:
        return Outcome.NOT_FOUND
    return Outcome.WAITING


async def decide(ctx: Ctx, report: Report, site: DetectedSite) -> Outcome:
    """Apply what the looks so far decide; the verifiers who were right get their points."""
    outcome = outcome_of(site)
    if outcome is Outcome.WAITING:
        return outcome
    if outcome is Outcome.NOT_FOUND:
        record_status(ctx.session, report, ReportStatus.NOT_FOUND, by_user_id=None, now=ctx.now, note="verified: nothing here")
    else:
        # Into the queue like any other report: the next handover announces it to the moderators.
        note = "verified: the dump is there" if outcome is Outcome.CONFIRMED else "verifiers disagree"
        record_status(ctx.session, report, ReportStatus.NEW, by_user_id=None, now=ctx.now, note=note)
    if outcome is not Outcome.DISAGREE:
        verdict = Verdict.HERE if outcome is Outcome.CONFIRMED else Verdict.NOTHING
        users = await ctx.session.scalars(
            select(SiteVerification.user_id).where(
                SiteVerification.report_id == report.id,
                SiteVerification.verdict == verdict,
                SiteVerification.user_id.is_not(None),
            )
        )
        points = RULES[Deed.SITE_VERIFIED]
        for user_id in users.all():
            await award(ctx, user_id, Deed.SITE_VERIFIED, report.id, points, report.region_code)
            if user_id != ctx.user.id:  # the earlier verifier learns what their look decided
                await ctx.notifier.to_user(user_id, lambda tr: Reply(text=_decided(tr, outcome, points)))
    return outcome


def _decided(tr: Translator, outcome: Outcome, points: int) -> str:
    if outcome is Outcome.CONFIRMED:
        return tr.ngettext(
            "✅ Another citizen confirmed the dump you verified: it goes to the region's moderators. You earned {n} eco-point.",
            "✅ Another citizen confirmed the dump you verified: it goes to the region's moderators. You earned {n} eco-points.",
            points,
        )
    return tr.ngettext(
        "✅ Another citizen found nothing at the site you verified either: it is closed as not found. You earned {n} eco-point.",
        "✅ Another citizen found nothing at the site you verified either: it is closed as not found. You earned {n} eco-points.",
        points,
    )
