"""Urgent hazards: a report of fire or smoke, or of a chemical spill. The citizen is told at once to
call 112, in their language (when they pick the kind, before sending); the sent report does not
wait for the scheduled handover: it is queued and announced to its region's moderator chats and
each of its moderators in private (or the national queue) in the step that sends it, marked urgent, and it is escalated after
URGENT_ESCALATION_MINUTES instead of ESCALATION_HOURS (jobs/escalation.py).

An urgent report is never offered as "the same dump" to a later citizen (handlers.reports.duplicates),
so nothing is merged into it silently; its card lists the open reports near it instead, so that the
moderator sees both."""

from __future__ import annotations

from sqlalchemy import select

from handlers.context import Ctx
from handlers.moderation.routing import admin_destinations, region_destinations
from handlers.moderation.triage import record_status, report_card
from handlers.services import GEO
from handlers.reports.nearby import open_reports_near
from handlers.sites.hazards import NEARBY_M
from storage.moderation import ModeratorRole, ReportTriage
from storage.reports import Report, ReportStatus


async def hand_over_now(ctx: Ctx, report: Report) -> None:
    """Queue the report and announce it to its moderators in this step's transaction."""
    settings = ctx.service("settings")
    destinations, national = await region_destinations(ctx.session, report.region_code, settings.ADMINS)
    if not national:  # and each moderator of the region in their own chat: nobody may miss it
        roles = await ctx.session.scalars(select(ModeratorRole).where(ModeratorRole.region_code == report.region_code))
        accounts = [f"{r.channel}:{r.external_id}" for r in roles.all()]
        chats = {(c, chat): language for c, chat, language in reversed(destinations + await admin_destinations(ctx.session, accounts))}
        destinations = [(c, chat, language) for (c, chat), language in reversed(chats.items())]
    record_status(ctx.session, report, ReportStatus.QUEUED, by_user_id=None, now=ctx.now, note="national" if national else None)
    ctx.session.add(ReportTriage(report_id=report.id, national=national, queued_at=ctx.now, disputes=0))
    await ctx.session.flush()
    # Loaded again so that its photos come with their public copies (the card shows them).
    report = (
        await ctx.session.execute(
            select(Report).where(Report.id == report.id).execution_options(populate_existing=True)
        )
    ).scalar_one()
    near = await nearby_open(ctx, report)
    geo = ctx.service(GEO)
    for channel, chat_id, language in destinations:
        tr = ctx.notifier.translator(language)
        header = tr._("🚨 URGENT hazard: fire, smoke or a chemical spill. The reporter was told to call 112.")
        if near:
            header += "\n" + tr._("Open reports near it (not merged): {codes}", codes=", ".join(r.code for r in near))
        ctx.notifier.to_chat(channel, chat_id, report_card(tr, report, geo, header=header))


async def nearby_open(ctx: Ctx, report: Report) -> list[Report]:
    """Other open reports within NEARBY_M of this one, oldest first: the moderator sees them beside it."""
    if report.latitude is None or report.longitude is None:
        return []
    near = await open_reports_near(ctx.session, ctx.service(GEO), report.latitude, report.longitude, NEARBY_M, Report.id != report.id)
    return sorted((r for _, r in near), key=lambda r: r.id)
