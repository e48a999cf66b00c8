"""Triage by moderators: confirm, reject with a reason, in progress, cleaned (with an "after"
photo), ask the reporter, another region, internal note; «Moderation» in the menu, `/queue` and
`/report CODE`. After every action the next report of the queue is shown (handlers.moderation.queue),
and a card offers only the actions valid for the report's status (`triage.may`).

Report cards carry `CardPress` buttons ("mod:VERB:ID[:ARG]") that work in any chat at any time (router
actions), so each press re-checks the role for the report's region and the report's current
status: a forged press is refused and logged, a stale one (the report moved on) changes nothing.
The reporter is told every change in their own language, on the channel they used last."""

from __future__ import annotations

import logging

from sqlalchemy import select

from handlers.context import Ctx, Handler
from handlers.i18n import N_
from handlers.moderation import questions
from handlers.moderation.coverage import checker_of, passed_on
from handlers.moderation.access import actor, may_moderate, my_regions, refuse
from handlers.moderation.blur_card import blur_history_lines
from handlers.moderation.queue import figures, forecast, scope, send_card, show_next, waiting
from handlers.moderation.routing import region_destinations
from handlers.points.ledger import settle_report
from handlers.reports.again import rejection_update
from handlers.reports.labels import report_page, status_name, status_update
from handlers.services import GEO
from handlers.router import Router
from handlers.moderation.triage import (
    CardPress,
    DisputePress,
    OTHER,
    REJECT_REASONS,
    may,
    record_status,
    report_card,
    store_follow_up_photo,
    triage_of,
)
from handlers.types import Choice, Reply
from storage.moderation import FollowUpPhoto, ModeratorChat, ReportNote
from storage.public_photos import PhotoBlurReview
from storage.reports import Report, ReportStatus, parse_report_code

log = logging.getLogger(__name__)
OPEN_QUEUE = "open_queue"
NOTE_LIMIT = 1000
REASON_LIMIT = 500
# Steps that wait for the moderator who pressed (their "by" is in the state's data).
WAITING_STEPS = ("moderation.note", "moderation.after_photo", "moderation.duplicate_of", "moderation.reason",
                 "moderation.reject_other", "moderation.question")


def register(router: Router) -> None:
    router.action(CardPress, without_consent=True)(in_chat_language(on_press))
    router.command("queue", without_consent=True)(in_chat_language(show_queue))
    # "/report" alone is the citizens' "report a dump" (handlers.reports); with a code, this.
    router.command("report", argument=True, without_consent=True)(in_chat_language(show_report))
    router.menu_entry("moderation", N_("🛡 Moderation"), 45, visible=is_moderator)(show_home)
    router.step("moderation.home")(on_home)
    router.step("moderation.note", without_consent=True)(in_chat_language(on_note))
    router.step("moderation.after_photo", without_consent=True)(in_chat_language(on_after_photo))
    router.step("moderation.duplicate_of", without_consent=True)(in_chat_language(on_duplicate_of))
    router.step("moderation.reason", without_consent=True)(in_chat_language(on_reason))
    router.step("moderation.reject_other", without_consent=True)(in_chat_language(on_other_reason))
    router.step("moderation.question", without_consent=True)(in_chat_language(on_question))
    router.action(questions.AnswerPress)(questions.on_answer_press)
    router.step("moderation.answer")(questions.on_answer)
    router.personal_data("moderation_questions", questions.export_answers, questions.forget_answers)


async def is_moderator(ctx: Ctx) -> bool:
    return ctx.is_admin or bool(await my_regions(ctx))


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
    if ctx.step in WAITING_STEPS and ctx.data.get("by") == ctx.incoming.sender_id:
        ctx.end_flow()  # a new press replaces the question this moderator left unanswered
    if not may(press.verb, report):
        await stale(ctx, report)
        return
    await VERBS[press.verb](ctx, report, press.arg)


async def stale(ctx: Ctx, report: Report) -> None:
    """An action not valid for the report's status (pressed on an old card, or forged): nothing
    changes, and the card comes again with the actions valid now."""
    log.info("stale press %r by %s: %s is %s", ctx.choice, actor(ctx), report.code, report.status)
    ctx.reply(
        ctx._(
            "{code} is already «{status}»: nothing was changed.",
            code=report.code,
            status=status_name(ctx.tr, report.status),
        )
    )
    await send_card(ctx, report)


async def confirm(ctx: Ctx, report: Report, _arg: str) -> None:
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
    await done(ctx, report)


async def start_work(ctx: Ctx, report: Report, _arg: str) -> None:
    record_status(ctx.session, report, ReportStatus.IN_PROGRESS, by_user_id=ctx.user.id, now=ctx.now)
    triage = await triage_of(ctx.session, report, ctx.now)
    triage.confirmed_at = triage.confirmed_at or ctx.now
    await settle_report(ctx, report)
    await tell_reporter(
        ctx,
        report,
        lambda tr: tr._("Work has started on the dump of your report {code}.", code=report.code),
    )
    await done(ctx, report)


def wait_for(ctx: Ctx, step: str, report: Report, text: str, choices: tuple[Choice, ...] = ()) -> None:
    """Ask the moderator who pressed, staying in moderation: no citizens' menu, a way back to the card."""
    ctx.data.update(report_id=report.id, by=ctx.incoming.sender_id)
    back = Choice(CardPress("show", report.id).id, ctx._("↩️ Back to the report"))
    ctx.ask(step, text, (*choices, back), menu=False)


async def ask_after_photo(ctx: Ctx, report: Report, _arg: str) -> None:
    wait_for(
        ctx,
        "moderation.after_photo",
        report,
        ctx._("{code}: send a photo of the cleaned place (the «after» photo).", code=report.code),
    )


async def ask_reason(ctx: Ctx, report: Report, _arg: str) -> None:
    wait_for(
        ctx,
        "moderation.reason",
        report,
        ctx._("{code}: why is it rejected? Choose a reason, or type it.", code=report.code),
        tuple(Choice(CardPress("rr", report.id, key).id, ctx._(label)) for key, label in REJECT_REASONS.items()),
    )


async def reject(ctx: Ctx, report: Report, reason: str, text: str | None = None) -> None:
    if reason not in REJECT_REASONS:
        ctx.reply(ctx._("Please choose one of the reasons."))
        await ask_reason(ctx, report, "")
        return
    if reason == "duplicate":
        wait_for(
            ctx,
            "moderation.duplicate_of",
            report,
            ctx._("{code}: send the code of the report it repeats, for example TZ-000123.", code=report.code),
        )
        return
    if reason == OTHER and not text:
        wait_for(
            ctx,
            "moderation.reject_other",
            report,
            ctx._(
                "{code}: type the reason (up to {limit} characters). The reporter reads it as you write it.",
                code=report.code,
                limit=REASON_LIMIT,
            ),
        )
        return
    note = text if reason == OTHER else REJECT_REASONS[reason]  # a message id, translated when shown
    record_status(ctx.session, report, ReportStatus.REJECTED, by_user_id=ctx.user.id, now=ctx.now, note=note)
    triage = await triage_of(ctx.session, report, ctx.now)
    triage.reject_reason, triage.reject_text = reason, text if reason == OTHER else None
    await settle_report(ctx, report)
    ctx.end_flow()
    if report.reporter_id is not None:
        geo = ctx.service(GEO)
        await ctx.notifier.to_user(
            report.reporter_id, lambda tr: rejection_update(tr, geo, report, reason, text)
        )
    await done(ctx, report)


async def pick_reason(ctx: Ctx, report: Report, reason: str) -> None:
    await reject(ctx, report, reason)


async def ask_region(ctx: Ctx, report: Report, _arg: str) -> None:
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
    if region_code == report.region_code:
        await stale(ctx, report)
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
    checker = await checker_of(ctx.session, region_code, settings.ADMINS)
    await tell_reporter(ctx, report, lambda tr: passed_on(tr, report.code, region.name(tr.language), checker))
    said = ctx._("{code} has been passed to {region}.", code=report.code, region=region.name(ctx.tr.language))
    await show_next(ctx, after=report, said=said)


async def ask_note(ctx: Ctx, report: Report, _arg: str) -> None:
    wait_for(
        ctx,
        "moderation.note",
        report,
        ctx._(
            "{code}: send the internal note (up to {limit} characters). The reporter does not see it.",
            code=report.code,
            limit=NOTE_LIMIT,
        ),
    )


async def ask_question(ctx: Ctx, report: Report, _arg: str) -> None:
    wait_for(
        ctx,
        "moderation.question",
        report,
        ctx._(
            "{code}: type your question to the reporter (up to {limit} characters). The bot sends it "
            "to them; their answer is added to the report.",
            code=report.code,
            limit=questions.QUESTION_LIMIT,
        ),
    )


async def skip(ctx: Ctx, report: Report, _arg: str) -> None:
    await show_next(ctx, after=report)


async def back_to_card(ctx: Ctx, report: Report, _arg: str) -> None:
    await send_card(ctx, report)


VERBS = {
    "ok": confirm,
    "wip": start_work,
    "done": ask_after_photo,
    "rej": ask_reason,
    "rr": pick_reason,
    "mv": ask_region,
    "to": reassign,
    "note": ask_note,
    "ask": ask_question,
    "next": skip,
    "show": back_to_card,
}


# --- steps that wait for the moderator who pressed ---------------------------------------------
async def _pending_report(ctx: Ctx, may_do: str | None = None) -> Report | None:
    """The report the step is about, if the sender is the one who pressed and still may act (and,
    with `may_do`, if that action is still valid for the report's status: else the card again)."""
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
    if may_do is not None and not may(may_do, report):
        ctx.end_flow()
        await stale(ctx, report)
        return None
    return report


async def _typed_text(ctx: Ctx, limit: int, missing: str) -> str | None:
    """The text a waiting step asked for; None after asking again (no text, or too long)."""
    if not ctx.text:
        ctx.reprompt(missing)
        return None
    if len(ctx.text) > limit:
        ctx.reprompt(ctx._("That is too long: at most {limit} characters.", limit=limit))
        return None
    return ctx.text


async def on_note(ctx: Ctx) -> None:
    report = await _pending_report(ctx)
    if report is None:
        return
    text = await _typed_text(ctx, NOTE_LIMIT, ctx._("Please send the note as text."))
    if text is None:
        return
    ctx.session.add(ReportNote(report_id=report.id, author_id=ctx.user.id, text=text, created_at=ctx.now))
    ctx.end_flow()
    await show_next(ctx, after=report, said=ctx._("Note added to {code}.", code=report.code))


async def on_reason(ctx: Ctx) -> None:
    """A reason pressed (or typed by its number or label) is that reason; other words typed here
    are the reason itself ("other")."""
    report = await _pending_report(ctx, may_do="rr")
    if report is None:
        return
    pressed = CardPress.parse(ctx.choice) if ctx.choice else None
    if pressed is not None and pressed.report_id == report.id and pressed.verb == "rr":
        await reject(ctx, report, pressed.arg)
        return
    await _reject_with_typed_reason(ctx, report, ctx._("Please choose one of the reasons, or type it."))


async def on_other_reason(ctx: Ctx) -> None:
    report = await _pending_report(ctx, may_do="rr")
    if report is not None:
        await _reject_with_typed_reason(ctx, report, ctx._("Please type the reason as text."))


async def _reject_with_typed_reason(ctx: Ctx, report: Report, no_text: str) -> None:
    text = await _typed_text(ctx, REASON_LIMIT, no_text)
    if text is not None:
        await reject(ctx, report, OTHER, text)


async def on_question(ctx: Ctx) -> None:
    report = await _pending_report(ctx, may_do="ask")
    if report is None:
        return
    text = await _typed_text(ctx, questions.QUESTION_LIMIT, ctx._("Please type the question as text."))
    if text is None:
        return
    ctx.end_flow()
    if await questions.ask(ctx, report, text):
        said = ctx._("Your question has been sent to the reporter of {code}.", code=report.code)
    else:
        said = ctx._("The reporter of {code} can no longer be reached.", code=report.code)
    await show_next(ctx, after=report, said=said)


async def on_after_photo(ctx: Ctx) -> None:
    report = await _pending_report(ctx, may_do="done")
    if report is None:
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
    await done(ctx, report)


async def on_duplicate_of(ctx: Ctx) -> None:
    report = await _pending_report(ctx, may_do="rr")
    if report is None:
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
    (await triage_of(ctx.session, report, ctx.now)).reject_reason = "duplicate"
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
    await done(ctx, report)


# --- telling people ------------------------------------------------------------------------------
async def done(ctx: Ctx, report: Report) -> None:
    """Say what changed, with the next report of the queue in the same message."""
    said = ctx._("{code} is now «{status}».", code=report.code, status=status_name(ctx.tr, report.status))
    await show_next(ctx, after=report, said=said)


async def tell_reporter(ctx: Ctx, report: Report, text) -> None:
    """`text(tr)` under the report's headline (place, waste, date) and its first photo."""
    geo, page = ctx.service(GEO), report_page(ctx.router.services, report)
    await ctx.notifier.to_user(report.reporter_id, lambda tr: status_update(tr, geo, report, text(tr), page=page))


async def tell_cleaned(ctx: Ctx, report: Report, after_path: str) -> None:
    """The reporter gets the before and the after photo, and a way to dispute within 7 days."""
    if report.reporter_id is None:
        return
    geo = ctx.service(GEO)
    before = report.photos[0].path if report.photos else None
    if before:
        await ctx.notifier.to_user(
            report.reporter_id,
            lambda tr: status_update(
                tr, geo, report, tr._("Your report {code}: the photo before cleaning.", code=report.code), photo_path=before
            ),
        )
    await ctx.notifier.to_user(
        report.reporter_id,
        lambda tr: status_update(
            tr,
            geo,
            report,
            tr._(
                "Your report {code}: the dump has been cleaned. This is the photo after cleaning. "
                "If the place is not really clean, you can dispute it within 7 days.",
                code=report.code,
            ),
            (Choice(DisputePress(report.id).id, tr._("⚠️ Dispute")),),
            photo_path=after_path,
            page=report_page(ctx.router.services, report),
        ),
    )


# --- the «Moderation» menu, /queue and /report CODE ----------------------------------------------
async def show_home(ctx: Ctx) -> None:
    """«Moderation» in the menu: the queue and the figures of this person's regions."""
    regions = await scope(ctx)
    if regions is not None and not regions:
        refuse(ctx, "moderation")
        return
    geo = ctx.service(GEO)
    if regions is None:
        where = ctx._("all regions")
    else:
        where = ", ".join(sorted(geo.regions[r].name(ctx.tr.language) for r in regions if r in geo.regions))
    lines = [ctx._("🛡 Moderation: {regions}", regions=where)]
    lines.append(ctx.ngettext("📥 {n} report waits for triage.", "📥 {n} reports wait for triage.", await waiting(ctx, regions)))
    coming = await forecast(ctx, regions)
    if coming:
        lines.append(coming)
    counts = await figures(ctx, regions)
    if counts:
        lines += [ctx._("All reports by status:"), *counts]
    ctx.ask("moderation.home", "\n".join(lines), (Choice(OPEN_QUEUE, ctx._("▶️ Open the queue")),))


async def on_home(ctx: Ctx) -> None:
    if ctx.choice != OPEN_QUEUE:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    ctx.end_flow()
    await show_queue(ctx)


async def show_queue(ctx: Ctx) -> None:
    regions = await my_regions(ctx)
    if not ctx.is_admin and not regions:
        refuse(ctx, "/queue")
        return
    await show_next(ctx)


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
    reviews = await ctx.session.scalars(
        select(PhotoBlurReview).where(PhotoBlurReview.report_id == report.id).order_by(PhotoBlurReview.id)
    )
    lines += blur_history_lines(ctx.tr, list(reviews))
    lines += await questions.question_lines(ctx, report)
    ctx.send_to_chat(
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        Reply(text="\n".join(lines), choices=card.choices, photo_path=card.photo_path),
    )
