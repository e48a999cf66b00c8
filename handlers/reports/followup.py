"""The reporter's side of moderation: disputing a "cleaned" within 7 days (with a reason and a
photo: the report reopens as disputed and goes back to the queue), and answering the "still
there?" question asked 30 days after confirmation (a new photo, or "it has been cleaned")."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import select, update

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.moderation.access import actor
from handlers.moderation.routing import region_destinations
from handlers.points.ledger import settle_report
from handlers.services import GEO
from handlers.router import Router
from handlers.start import show_menu
from handlers.moderation.triage import (
    DISPUTE_DAYS,
    DisputePress,
    StillTherePress,
    record_status,
    report_card,
    store_follow_up_photo,
    triage_of,
)
from handlers.types import Reply
from storage.moderation import FollowUpPhoto, ReportFollowUpPhoto, ReportNote, remove_moderator
from storage.reports import Report, ReportStatus

log = logging.getLogger(__name__)
REASON_LIMIT = 500


def register(router: Router) -> None:
    router.action(DisputePress)(on_dispute)
    router.action(StillTherePress)(on_still_there)
    router.step("dispute.reason")(on_reason)
    router.step("dispute.photo")(on_dispute_photo)
    router.step("still.photo")(on_still_photo)
    router.personal_data("follow_up", export_follow_up, forget_follow_up)


async def _own_report(ctx: Ctx, report_id: int) -> Report | None:
    report = await ctx.session.get(Report, report_id, with_for_update=True)
    if report is None or report.reporter_id != ctx.user.id:
        log.warning("refused %r by %s: not the reporter", ctx.choice, actor(ctx))
        ctx.reply(ctx._("Only the reporter can answer this question."))
        return None
    return report


async def _can_dispute(ctx: Ctx, report: Report) -> bool:
    triage = await triage_of(ctx.session, report, ctx.now)
    if report.status != ReportStatus.CLEANED or triage.cleaned_at is None:
        ctx.reply(ctx._("Report {code} is not marked as cleaned, so there is nothing to dispute.", code=report.code))
        return False
    if ctx.now > triage.cleaned_at + timedelta(days=DISPUTE_DAYS):
        ctx.reply(ctx._("The 7 days to dispute the cleanup of {code} have passed.", code=report.code))
        return False
    return True


async def on_dispute(ctx: Ctx) -> None:
    report = await _own_report(ctx, ctx.button.report_id)
    if report is None or not await _can_dispute(ctx, report):
        return
    ctx.end_flow()
    ctx.data["report_id"] = report.id
    ctx.ask(
        "dispute.reason",
        ctx._(
            "What is wrong with the cleanup of {code}? Describe it in a few words (up to {limit} characters).",
            code=report.code,
            limit=REASON_LIMIT,
        ),
    )


async def on_reason(ctx: Ctx) -> None:
    if not ctx.text:
        ctx.reprompt(ctx._("Please describe the problem in words."))
        return
    if len(ctx.text) > REASON_LIMIT:
        ctx.reprompt(ctx._("That is too long: at most {limit} characters.", limit=REASON_LIMIT))
        return
    ctx.data["reason"] = ctx.text
    ctx.ask("dispute.photo", ctx._("Now send a photo of the place as it is now."))


async def _tell_moderators(ctx: Ctx, report: Report, header, photo_path: str) -> None:
    settings = ctx.service("settings")
    destinations, national = await region_destinations(ctx.session, report.region_code, settings.ADMINS)
    for channel, chat_id, language in destinations:
        tr = ctx.notifier.translator(language)
        card = report_card(tr, report, ctx.service(GEO), header=header(tr))
        ctx.send_to_chat(
            channel,
            chat_id,
            Reply(text=card.text, choices=card.choices, photo_path=photo_path, kind="moderation"),
        )


async def on_dispute_photo(ctx: Ctx) -> None:
    report = await _own_report(ctx, ctx.data.get("report_id"))
    if report is None:
        ctx.end_flow()
        return
    if not await _can_dispute(ctx, report):
        ctx.end_flow()
        return
    path = await store_follow_up_photo(ctx, report, FollowUpPhoto.DISPUTE, ctx._("Please send a photo."))
    if path is None:
        return
    reason = str(ctx.data.get("reason", ""))
    record_status(ctx.session, report, ReportStatus.DISPUTED, by_user_id=ctx.user.id, now=ctx.now, note=reason)
    triage = await triage_of(ctx.session, report, ctx.now)
    triage.disputes += 1
    await settle_report(ctx, report)
    triage.queued_at, triage.escalated_at = ctx.now, None
    await _tell_moderators(
        ctx,
        report,
        lambda tr: tr._("⚠️ Disputed by the reporter: {reason}", reason=reason),
        path,
    )
    await show_menu(
        ctx,
        ctx._("Thank you. Report {code} is back in the moderators' queue, marked as disputed.", code=report.code),
    )


async def on_still_there(ctx: Ctx) -> None:
    press: StillTherePress = ctx.button
    report = await _own_report(ctx, press.report_id)
    if report is None:
        return
    if report.status not in (ReportStatus.CONFIRMED, ReportStatus.IN_PROGRESS):
        ctx.reply(ctx._("Report {code} no longer needs this answer. Thank you!", code=report.code))
        return
    if press.answer == "photo":
        ctx.end_flow()
        ctx.data["report_id"] = report.id
        ctx.ask("still.photo", ctx._("Please send a new photo of the dump of {code}.", code=report.code))
        return
    ctx.session.add(
        ReportNote(report_id=report.id, author_id=ctx.user.id, text=N_("Reporter: the dump has been cleaned."), created_at=ctx.now)
    )
    photo = report.photos[0].path if report.photos else ""
    await _tell_moderators(
        ctx,
        report,
        lambda tr: tr._("✅ The reporter says this dump has been cleaned: please check it and mark it."),
        photo,
    )
    await show_menu(ctx, ctx._("Thank you! The moderators will check it and mark the report."))


async def on_still_photo(ctx: Ctx) -> None:
    report = await _own_report(ctx, ctx.data.get("report_id"))
    if report is None:
        ctx.end_flow()
        return
    path = await store_follow_up_photo(ctx, report, FollowUpPhoto.STILL_THERE, ctx._("Please send a photo."))
    if path is None:
        return
    ctx.session.add(
        ReportNote(report_id=report.id, author_id=ctx.user.id, text=N_("Reporter: the dump is still there (a new photo)."), created_at=ctx.now)
    )
    await _tell_moderators(
        ctx, report, lambda tr: tr._("📸 The reporter says this dump is still there: a new photo."), path
    )
    await show_menu(ctx, ctx._("Thank you! The moderators have the new photo."))


async def export_follow_up(ctx: Ctx) -> dict[str, object]:
    """/mydata: the photos this person added after reports (disputes, "still there")."""
    photos = (
        await ctx.session.scalars(
            select(ReportFollowUpPhoto).where(ReportFollowUpPhoto.added_by_id == ctx.user.id)
        )
    ).all()
    return {
        "photos": [
            {"report_id": p.report_id, "kind": p.kind, "added_at": p.created_at.isoformat()}
            for p in photos
        ]
    }


async def forget_follow_up(ctx: Ctx) -> None:
    """/forget: the photos stay with their reports, unlinked; a moderator's roles go with the
    accounts they were given to."""
    await ctx.session.execute(
        update(ReportFollowUpPhoto)
        .where(ReportFollowUpPhoto.added_by_id == ctx.user.id)
        .values(added_by_id=None)
    )
    for identity in ctx.user.identities:
        await remove_moderator(ctx.session, identity.channel, identity.external_id)
