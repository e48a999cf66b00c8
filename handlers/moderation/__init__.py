"""Triage by moderators: confirm, reject with a reason, in progress, cleaned (with an "after"
photo), another region, internal note; `/queue` and `/report CODE`.

Report cards carry `CardPress` buttons ("mod:VERB:ID[:ARG]") that work in any chat at any time (router
actions), so each press re-checks the role for the report's region and the report's current
status: a forged press is refused and logged, a stale one (the report moved on) changes nothing.
The reporter is told every change in their own language, on the channel they used last."""

from __future__ import annotations

import logging

from sqlalchemy import select

from handlers.context import Ctx, Handler
from handlers.moderation.access import actor, may_moderate, my_regions, refuse
from handlers.moderation.routing import region_destinations
from handlers.points.ledger import settle_report
from handlers.reports.labels import status_name
from handlers.services import GEO
from handlers.router import Router
from handlers.moderation.triage import (
    CardPress,
    DisputePress,
    CLEANABLE,
    CONFIRMABLE,
    REJECT_REASONS,
    REJECTABLE,
    STARTABLE,
    UNTRIAGED,
    record_status,
    report_card,
    store_follow_up_photo,
    triage_of,
)
from handlers.types import Choice, Reply
from storage.moderation import FollowUpPhoto, ModeratorChat, ReportNote, ReportTriage
from storage.reports import Report, ReportStatus, parse_report_code

log = logging.getLogger(__name__)
NOTE_LIMIT = 1000


def register(router: Router) -> None:
    router.action(CardPress, without_consent=True)(in_chat_language(on_press))
    router.command("queue", without_consent=True)(in_chat_language(show_queue))
    # "/report" alone is the citizens' "report a dump" (handlers.reports); with a code, this.
    router.command("report", argument=True, without_consent=True)(in_chat_language(show_report))
    router.step("moderation.note", without_consent=True)(in_chat_language(on_note))
    router.step("moderation.after_photo", without_consent=True)(in_chat_language(on_after_photo))
    router.step("moderation.duplicate_of", without_consent=True)(in_chat_language(on_duplicate_of))


def in_chat_language(handler: Handler) -> Handler:
    """In a bound moderator chat, answer in the chat's language (the one its cards are in), not
    in the language of whoever pressed."""

    async def wrapped(ctx: Ctx) -> None:
        language = await ctx.session.scalar(
            select(ModeratorChat.language).where(
                ModeratorChat.channel == ctx.incoming.channel, ModeratorChat.chat_id == ctx.incoming.chat_id
            ).limit(1)
        )
        if language in ctx.translators:
            ctx.tr = ctx.translators[language]
        await handler(ctx)

    return wrapped


# --- pressing a button on a report card -------------------------------------------------------
async def on_press(ctx: Ctx) -> None:
    press: CardPress = ctx.button
    report = await ctx.session.get(Report, press.report_id, with_for_update=True)
    if report is None:
        log.warning("moderation press %r by %s: no such report", ctx.choice, actor(ctx))
        ctx.reply(ctx._("This report does not exist."))
        return
    if not await may_moderate(ctx, report.region_code):
        refuse(ctx, f"mod:{press.verb}", report.region_code)
        return
    await VERBS[press.verb](ctx, report, press.arg)


def stale(ctx: Ctx, report: Report) -> None:
    log.info("stale press %r by %s: %s is %s", ctx.choice, actor(ctx), report.code, report.status)
    ctx.reply(
        ctx._(
            "{code} is already «{status}»: nothing was changed.",
            code=report.code,
            status=status_name(ctx.tr, report.status),
        )
    )


async def confirm(ctx: Ctx, report: Report, _arg: str) -> None:
    if report.status not in CONFIRMABLE:
        stale(ctx, report)
        return
    record_status(ctx.session, report, ReportStatus.CONFIRMED, by_user_id=ctx.user.id, now=ctx.now)
    (await triage_of(ctx.session, report, ctx.now)).confirmed_at = ctx.now
    await settle_report(ctx, report)
    await tell_reporter(
        ctx,
        report,
        lambda tr: tr._(
            "Your report {code} has been confirmed by the region's moderators. Thank you!",
            code=report.code,
        ),
    )
    done(ctx, report)


async def start_work(ctx: Ctx, report: Report, _arg: str) -> None:
    if report.status not in STARTABLE:
        stale(ctx, report)
        return
    record_status(ctx.session, report, ReportStatus.IN_PROGRESS, by_user_id=ctx.user.id, now=ctx.now)
    triage = await triage_of(ctx.session, report, ctx.now)
    triage.confirmed_at = triage.confirmed_at or ctx.now
    await settle_report(ctx, report)
    await tell_reporter(
        ctx,
        report,
        lambda tr: tr._("Work has started on the dump of your report {code}.", code=report.code),
    )
    done(ctx, report)


async def ask_after_photo(ctx: Ctx, report: Report, _arg: str) -> None:
    if report.status not in CLEANABLE:
        stale(ctx, report)
        return
    ctx.data.update(report_id=report.id, by=ctx.incoming.sender_id)
    ctx.ask(
        "moderation.after_photo",
        ctx._("{code}: send a photo of the cleaned place (the «after» photo).", code=report.code),
    )


async def ask_reason(ctx: Ctx, report: Report, _arg: str) -> None:
    if report.status not in REJECTABLE:
        stale(ctx, report)
        return
    ctx.send_to_chat(
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        Reply(
            text=ctx._("{code}: why is it rejected?", code=report.code),
            choices=tuple(
                Choice(CardPress("rr", report.id, key).id, ctx._(label)) for key, label in REJECT_REASONS.items()
            ),
        ),
    )


async def reject(ctx: Ctx, report: Report, reason: str) -> None:
    if report.status not in REJECTABLE:
        stale(ctx, report)
        return
    if reason not in REJECT_REASONS:
        ctx.reply(ctx._("Please choose one of the reasons."))
        return
    if reason == "duplicate":
        ctx.data.update(report_id=report.id, by=ctx.incoming.sender_id)
        ctx.ask(
            "moderation.duplicate_of",
            ctx._("{code}: send the code of the report it repeats, for example TZ-000123.", code=report.code),
        )
        return
    label = REJECT_REASONS[reason]
    record_status(ctx.session, report, ReportStatus.REJECTED, by_user_id=ctx.user.id, now=ctx.now, note=label)
    await settle_report(ctx, report)
    await tell_reporter(
        ctx,
        report,
        lambda tr: tr._(
            "Your report {code} has been rejected: {reason}.", code=report.code, reason=tr._(label)
        ),
    )
    done(ctx, report)


async def ask_region(ctx: Ctx, report: Report, _arg: str) -> None:
    if not report.is_open:
        stale(ctx, report)
        return
    geo = ctx.service(GEO)
    choices = tuple(
        Choice(CardPress("to", report.id, region.code).id, region.name(ctx.tr.language))
        for region in geo.region_list(ctx.tr.language)
        if region.code != report.region_code
    )
    ctx.send_to_chat(
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        Reply(text=ctx._("{code}: which region should handle it?", code=report.code), choices=choices),
    )


async def reassign(ctx: Ctx, report: Report, region_code: str) -> None:
    geo = ctx.service(GEO)
    if not report.is_open or region_code == report.region_code:
        stale(ctx, report)
        return
    region = geo.regions.get(region_code)
    if region is None:
        ctx.reply(ctx._("There is no such region."))
        return
    old = report.region_code
    record_status(
        ctx.session, report, report.status, by_user_id=ctx.user.id, now=ctx.now, note=f"{old} → {region_code}"
    )
    report.region_code = region_code
    report.district_pcode = None  # the district belonged to the old region
    settings = ctx.service("settings")
    destinations, national = await region_destinations(ctx.session, region_code, settings.ADMINS)
    triage = await triage_of(ctx.session, report, ctx.now)
    triage.national, triage.queued_at, triage.escalated_at = national, ctx.now, None
    for channel, chat_id, language in destinations:
        tr = ctx.notifier.translator(language)
        header = tr._("🔀 Passed on from another region")
        ctx.notifier.to_chat(channel, chat_id, report_card(tr, report, geo, header=header))
    await tell_reporter(
        ctx,
        report,
        lambda tr: tr._(
            "Your report {code} has been passed to the moderators of {region}.",
            code=report.code,
            region=region.name(tr.language),
        ),
    )
    ctx.reply(ctx._("{code} has been passed to {region}.", code=report.code, region=region.name(ctx.tr.language)))


async def ask_note(ctx: Ctx, report: Report, _arg: str) -> None:
    ctx.data.update(report_id=report.id, by=ctx.incoming.sender_id)
    ctx.ask(
        "moderation.note",
        ctx._(
            "{code}: send the internal note (up to {limit} characters). The reporter does not see it.",
            code=report.code,
            limit=NOTE_LIMIT,
        ),
    )


VERBS = {
    "ok": confirm,
    "wip": start_work,
    "done": ask_after_photo,
    "rej": ask_reason,
    "rr": reject,
    "mv": ask_region,
    "to": reassign,
    "note": ask_note,
}


# --- steps that wait for the moderator who pressed ---------------------------------------------
async def _pending_report(ctx: Ctx) -> Report | None:
    """The report the step is about, if the sender is the one who pressed and still may act."""
    if ctx.data.get("by") != ctx.incoming.sender_id:
        ctx.reply(ctx._("I am waiting for the answer of the moderator who pressed the button."))
        return None
    report = await ctx.session.get(Report, ctx.data.get("report_id"), with_for_update=True)
    if report is None:
        ctx.end_flow()
        ctx.reply(ctx._("This report does not exist."))
        return None
    if not await may_moderate(ctx, report.region_code):
        ctx.end_flow()
        refuse(ctx, ctx.step or "moderation", report.region_code)
        return None
    return report


async def on_note(ctx: Ctx) -> None:
    report = await _pending_report(ctx)
    if report is None:
        return
    text = ctx.text
    if not text:
        ctx.reprompt(ctx._("Please send the note as text."))
        return
    if len(text) > NOTE_LIMIT:
        ctx.reprompt(ctx._("The note is too long: at most {limit} characters.", limit=NOTE_LIMIT))
        return
    ctx.session.add(ReportNote(report_id=report.id, author_id=ctx.user.id, text=text, created_at=ctx.now))
    ctx.end_flow()
    ctx.reply(ctx._("Note added to {code}.", code=report.code))


async def on_after_photo(ctx: Ctx) -> None:
    report = await _pending_report(ctx)
    if report is None:
        return
    if report.status not in CLEANABLE:
        ctx.end_flow()
        stale(ctx, report)
        return
    path = await store_follow_up_photo(
        ctx, report, FollowUpPhoto.AFTER, ctx._("Please send a photo of the cleaned place.")
    )
    if path is None:
        return
    record_status(ctx.session, report, ReportStatus.CLEANED, by_user_id=ctx.user.id, now=ctx.now)
    (await triage_of(ctx.session, report, ctx.now)).cleaned_at = ctx.now
    await settle_report(ctx, report)
    ctx.end_flow()
    await tell_cleaned(ctx, report, path)
    done(ctx, report)


async def on_duplicate_of(ctx: Ctx) -> None:
    report = await _pending_report(ctx)
    if report is None:
        return
    if report.status not in REJECTABLE:
        ctx.end_flow()
        stale(ctx, report)
        return
    other_id = parse_report_code(ctx.text)
    other = await ctx.session.get(Report, other_id) if other_id else None
    if other is None or other.id == report.id:
        ctx.reprompt(ctx._("There is no other report with this code. Please send a code such as TZ-000123."))
        return
    report.duplicate_of_id = other.id
    record_status(
        ctx.session, report, ReportStatus.DUPLICATE, by_user_id=ctx.user.id, now=ctx.now, note=other.code
    )
    await settle_report(ctx, report)
    ctx.end_flow()
    await tell_reporter(
        ctx,
        report,
        lambda tr: tr._(
            "Your report {code} repeats report {other}, which the moderators are already handling.",
            code=report.code,
            other=other.code,
        ),
    )
    done(ctx, report)


# --- telling people ------------------------------------------------------------------------------
def done(ctx: Ctx, report: Report) -> None:
    ctx.reply(
        ctx._(
            "{code} is now «{status}».", code=report.code, status=status_name(ctx.tr, report.status)
        )
    )


async def tell_reporter(ctx: Ctx, report: Report, text) -> None:
    await ctx.notifier.to_user(report.reporter_id, lambda tr: Reply(text=text(tr), kind="status_update"))


async def tell_cleaned(ctx: Ctx, report: Report, after_path: str) -> None:
    """The reporter gets the before and the after photo, and a way to dispute within 7 days."""
    if report.reporter_id is None:
        return
    before = report.photos[0].path if report.photos else None
    if before:
        await ctx.notifier.to_user(
            report.reporter_id,
            lambda tr: Reply(
                text=tr._("Your report {code}: the photo before cleaning.", code=report.code),
                photo_path=before,
                kind="status_update",
            ),
        )
    await ctx.notifier.to_user(
        report.reporter_id,
        lambda tr: Reply(
            text=tr._(
                "Your report {code}: the dump has been cleaned. This is the photo after cleaning. "
                "If the place is not really clean, you can dispute it within 7 days.",
                code=report.code,
            ),
            photo_path=after_path,
            choices=(Choice(DisputePress(report.id).id, tr._("⚠️ Dispute")),),
            kind="status_update",
        ),
    )


# --- /queue and /report CODE -----------------------------------------------------------------------
async def show_queue(ctx: Ctx) -> None:
    regions = await my_regions(ctx)
    if not ctx.is_admin and not regions:
        refuse(ctx, "/queue")
        return
    query = (
        select(Report)
        .join(ReportTriage, ReportTriage.report_id == Report.id)
        .where(Report.status.in_(UNTRIAGED))
        .order_by(ReportTriage.queued_at, Report.id)
        .limit(1)
    )
    if not ctx.is_admin:
        query = query.where(Report.region_code.in_(regions))
    report = await ctx.session.scalar(query)
    if report is None:
        ctx.reply(ctx._("The queue is empty: every report of your regions has been triaged."))
        return
    ctx.send_to_chat(ctx.incoming.channel, ctx.incoming.chat_id, report_card(ctx.tr, report, ctx.service(GEO)))


async def show_report(ctx: Ctx) -> None:
    report_id = parse_report_code(ctx.incoming.args)
    if report_id is None:
        ctx.reply(ctx._("Usage: /report CODE, for example /report TZ-000123."))
        return
    report = await ctx.session.get(Report, report_id)
    if report is None:
        ctx.reply(ctx._("This report does not exist."))
        return
    if not await may_moderate(ctx, report.region_code):
        refuse(ctx, "/report", report.region_code)
        return
    card = report_card(ctx.tr, report, ctx.service(GEO))
    lines = [card.text, "", ctx._("History:")]
    for change in report.history:
        lines.append(
            f"• {ctx.tr.datetime(change.changed_at)}: {status_name(ctx.tr, change.new_status)}"
            # A reason chosen from the list is stored as its message id; typed text passes as is.
            + (f" ({ctx._(change.note)})" if change.note else "")
        )
    notes = (
        await ctx.session.scalars(select(ReportNote).where(ReportNote.report_id == report.id).order_by(ReportNote.id))
    ).all()
    if notes:
        lines.append(ctx._("Internal notes:"))
        # The bot's own notes are message ids (translated here); a moderator's text passes unchanged.
        lines += [f"• {ctx.tr.datetime(n.created_at)}: {ctx._(n.text)}" for n in notes]
    ctx.send_to_chat(
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        Reply(text="\n".join(lines), choices=card.choices, photo_path=card.photo_path),
    )
