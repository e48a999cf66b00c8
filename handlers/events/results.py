"""Results of a cleanup event, once it is over: who came (check-ins are pre-marked), bags,
estimated kilograms and "after" photos, recorded by the organiser; the dump reports the event set
out to clean become "cleaned" through moderation's status history and their reporters are told.

Attendees may add the bags they filled; each claim waits for the organiser's «Accept» or
«Reject», and only accepted claims count, so that no bag is counted twice."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import func, select

from handlers.context import Ctx
from handlers.events.buttons import EventAdmin, ResultsPress
from handlers.events.card import show_card
from handlers.events.notices import KIND, tell
from handlers.events.texts import when
from handlers.moderation import tell_cleaned, tell_reporter
from handlers.moderation.triage import CLEANABLE, record_status, triage_of
from handlers.points.ledger import award, settle_report
from handlers.services import PHOTOS, PhotoRejected
from handlers.types import Choice, Kind, Reply
from storage import events as store
from storage.events import BagClaim, ClaimStatus, Event, EventPhoto, EventReport, SignupStatus
from storage.models import User
from storage.points import BAGS_PER_CLAIM_CAP, RULES, Deed
from storage.reports import Report, ReportStatus

log = logging.getLogger(__name__)
MAX_BAGS = 100  # one attendee's claim
MAX_TOTAL_BAGS = 100_000
MAX_KG = 1_000_000
MAX_PHOTOS = 5
MARK_BUTTONS = 40  # participants offered as buttons; a bigger event is marked by its check-ins


# --- an attendee's own bags ------------------------------------------------------------------------
async def ask_bags(ctx: Ctx, event: Event) -> None:
    signup = await store.signup_of(ctx.session, event.id, ctx.user.id)
    if not event.has_ended(ctx.now) or event.is_cancelled:
        await show_card(ctx, event, ctx._("This cleanup event has not been held yet: bags can be added after it."))
        return
    if signup is None or signup.status != SignupStatus.GOING:
        await show_card(ctx, event, ctx._("Only the event's participants can add their bags."))
        return
    ctx.data["event"] = event.id
    ctx.ask("events.bags", ctx._("🛍 How many bags did you fill? Send a number."), number_answer=True)


async def on_bags(ctx: Ctx) -> None:
    event = await ctx.session.get(Event, ctx.data.get("event"))
    if event is None:
        ctx.end_flow()
        ctx.reply(ctx._("This cleanup event does not exist."))
        return
    bags = whole_number(ctx.text, MAX_BAGS)
    if bags is None or bags == 0:
        ctx.reprompt(ctx._("Please send a whole number from {min} to {max}.", min=1, max=MAX_BAGS))
        return
    claim = await ctx.session.scalar(
        select(BagClaim).where(BagClaim.event_id == event.id, BagClaim.user_id == ctx.user.id)
    )
    if claim is not None and claim.status != ClaimStatus.PENDING:
        await show_card(ctx, event, ctx._("The organiser has already decided on your bags for this event."))
        return
    if claim is None:
        claim = BagClaim(event_id=event.id, user_id=ctx.user.id, created_at=ctx.now)
        ctx.session.add(claim)
    claim.bags, claim.status = bags, ClaimStatus.PENDING
    await ctx.session.flush()
    name = ctx.user.display_name or "—"
    await tell(
        ctx,
        event.organiser_id,
        lambda tr: Reply(
            text=tr.ngettext(
                "🛍 «{title}»: {name} says they filled {n} bag. Count it?",
                "🛍 «{title}»: {name} says they filled {n} bags. Count them?",
                bags,
                title=event.title,
                name=name,
            ),
            choices=(
                Choice(EventAdmin("claim_ok", event.id, claim.id).id, tr._("✅ Accept")),
                Choice(EventAdmin("claim_no", event.id, claim.id).id, tr._("✖️ Reject")),
            ),
            kind=KIND,
        ),
    )
    await show_card(ctx, event, ctx._("🛍 Thank you! The organiser will confirm your bags, so that none is counted twice."))


async def decide_claim(ctx: Ctx, event: Event, claim_id: int, accept: bool) -> None:
    claim = await ctx.session.get(BagClaim, claim_id, with_for_update=True)
    if claim is None or claim.event_id != event.id:
        ctx.reply(ctx._("This button is no longer valid. Please use the buttons of the latest message."))
        return
    if claim.status != ClaimStatus.PENDING:
        ctx.reply(ctx._("This claim has already been decided: nothing was changed."))
        return
    claim.status = ClaimStatus.ACCEPTED if accept else ClaimStatus.REJECTED
    claim.decided_at = ctx.now
    bags = claim.bags
    if accept:
        counted = min(bags, BAGS_PER_CLAIM_CAP) * RULES[Deed.BAGS_ACCEPTED]
        await award(ctx, claim.user_id, Deed.BAGS_ACCEPTED, claim.id, counted, event.region_code)
    if accept:
        ctx.reply(ctx.ngettext("Accepted: {n} bag counted.", "Accepted: {n} bags counted.", bags))
        text = lambda tr: tr.ngettext(  # noqa: E731
            "The organiser of «{title}» counted your {n} bag. Thank you!",
            "The organiser of «{title}» counted your {n} bags. Thank you!",
            bags,
            title=event.title,
        )
    else:
        ctx.reply(ctx._("Rejected: the bags are not counted."))
        text = lambda tr: tr._(  # noqa: E731
            "The organiser of «{title}» did not count the bags you added (they may already be in the "
            "event's total).",
            title=event.title,
        )
    await tell(ctx, claim.user_id, lambda tr: Reply(text=text(tr), kind=KIND))


async def accepted_bags(ctx: Ctx, event_id: int) -> int:
    total = await ctx.session.scalar(
        select(func.coalesce(func.sum(BagClaim.bags), 0)).where(
            BagClaim.event_id == event_id, BagClaim.status == ClaimStatus.ACCEPTED
        )
    )
    return int(total or 0)


# --- the organiser records the results ------------------------------------------------------------
async def start_results(ctx: Ctx, event: Event) -> None:
    if event.is_cancelled:
        ctx.reply(ctx._("This cleanup event has been cancelled."))
        return
    if not event.has_ended(ctx.now):
        ctx.reply(
            ctx._(
                "This cleanup event has not been held yet: results can be recorded once it ends, at {time}.",
                time=ctx.tr.datetime(event.ends_at),
            )
        )
        return
    going = await store.people_of(ctx.session, event.id, SignupStatus.GOING)
    came = [s.id for s in going if s.attended or (s.attended is None and s.checked_in_at)]
    ctx.end_flow()
    ctx.data.update(event=event.id, came=came, photos=[])
    await ask_attendance(ctx, event)


async def ask_attendance(ctx: Ctx, event: Event) -> None:
    going = await store.people_of(ctx.session, event.id, SignupStatus.GOING)
    came = set(ctx.data.get("came", []))
    names = await display_names(ctx, [s.user_id for s in going])
    lines = [ctx._("Who came to «{title}»? Check-ins are marked already; press a name to change it.", title=event.title)]
    choices = []
    for number, signup in enumerate(going, start=1):
        mark = "✅" if signup.id in came else "▫️"
        lines.append(f"{number}. {mark} {names.get(signup.user_id) or '—'}")
        if number <= MARK_BUTTONS:
            choices.append(Choice(EventAdmin("mark", event.id, signup.id).id, f"{mark} {names.get(signup.user_id) or number}"))
    if not going:
        lines.append(ctx._("Nobody was signed up."))
    choices.append(Choice(ResultsPress("next").id, ctx._("➡️ Next")))
    ctx.ask("events.attendance", "\n".join(lines), choices)


async def toggle_attendance(ctx: Ctx, event: Event, signup_id: int) -> None:
    if ctx.step != "events.attendance" or ctx.data.get("event") != event.id:
        await start_results(ctx, event)
        return
    came = set(ctx.data.get("came", []))
    came ^= {signup_id}
    ctx.data["came"] = sorted(came)
    await ask_attendance(ctx, event)


async def _results_event(ctx: Ctx) -> Event | None:
    event = await ctx.session.get(Event, ctx.data.get("event"))
    if event is None:
        ctx.end_flow()
        ctx.reply(ctx._("This cleanup event does not exist."))
    return event


async def on_attendance(ctx: Ctx) -> None:
    event = await _results_event(ctx)
    if event is None:
        return
    if ResultsPress.parse(ctx.choice) != ResultsPress("next"):
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    ctx.ask("events.result_bags", ctx._("How many bags of litter were filled in all? Send a number."), number_answer=True)


async def on_result_bags(ctx: Ctx) -> None:
    if await _results_event(ctx) is None:
        return
    bags = whole_number(ctx.text, MAX_TOTAL_BAGS)
    if bags is None:
        ctx.reprompt(ctx._("Please send a whole number from {min} to {max}.", min=0, max=MAX_TOTAL_BAGS))
        return
    ctx.data["bags"] = bags
    ctx.ask(
        "events.result_kg",
        ctx._("About how many kilograms of waste were collected? Send a number (0 if it was not weighed)."),
        number_answer=True,
    )


async def on_result_kg(ctx: Ctx) -> None:
    if await _results_event(ctx) is None:
        return
    kg = decimal_number(ctx.text)
    if kg is None or not 0 <= kg <= MAX_KG:
        ctx.reprompt(ctx._("Please send a number of kilograms from 0 to {max}.", max=MAX_KG))
        return
    ctx.data["kg"] = kg or None
    ask_photos(ctx)


def ask_photos(ctx: Ctx) -> None:
    count = len(ctx.data.get("photos", []))
    ctx.ask(
        "events.result_photos",
        ctx._("📸 Send up to {max} photos of the cleaned place («after»), then press «Done».", max=MAX_PHOTOS)
        if count == 0
        else ctx._("Photo {n} received (at most {max}). Send another or press «Done».", n=count, max=MAX_PHOTOS),
        [Choice(ResultsPress("done").id, ctx._("✅ Done"))],
    )


async def on_result_photo(ctx: Ctx) -> None:
    event = await _results_event(ctx)
    if event is None:
        return
    if ResultsPress.parse(ctx.choice) == ResultsPress("done"):
        await show_summary(ctx, event)
        return
    if ctx.incoming.kind is not Kind.PHOTO:
        ctx.reprompt(ctx._("Please send a photo, or press «Done»."))
        return
    photos: list[dict[str, Any]] = ctx.data.setdefault("photos", [])
    if len(photos) >= MAX_PHOTOS:
        await show_summary(ctx, event)
        return
    if ctx.media.data is None:
        ctx.reprompt(ctx._("The photo could not be downloaded. Please send it again."))
        return
    try:
        stored = (await ctx.service(PHOTOS).ingest(ctx.media.data)).to_json()
    except PhotoRejected:
        ctx.reprompt(ctx._("This is not a photo I can use. Please send a JPEG or PNG photo."))
        return
    if all(p["sha256"] != stored["sha256"] for p in photos):
        photos.append({k: stored[k] for k in ("path", "thumb_path", "sha256")})
    ask_photos(ctx)


async def show_summary(ctx: Ctx, event: Event) -> None:
    claimed = await accepted_bags(ctx, event.id)
    lines = [
        ctx._("Results of «{title}»:", title=event.title),
        ctx._("People who came: {n}", n=len(ctx.data.get("came", []))),
        ctx._("Bags: {n}", n=ctx.data["bags"] + claimed),
    ]
    if claimed:
        lines[-1] += " " + ctx._("(of them {n} added by attendees)", n=claimed)
    if ctx.data.get("kg") is not None:
        lines.append(ctx._("Kilograms: {n}", n=ctx.tr.number(ctx.data["kg"])))
    lines.append(ctx._("Photos: {n}", n=len(ctx.data.get("photos", []))))
    reports = await linked_reports(ctx, event.id)
    if reports:
        lines.append(ctx._("Reports marked cleaned: {codes}", codes=", ".join(r.code for r in reports if r.status in CLEANABLE) or "—"))
    ctx.ask("events.result_save", "\n".join(lines), [Choice(ResultsPress("save").id, ctx._("💾 Save the results"))])


async def on_save(ctx: Ctx) -> None:
    event = await _results_event(ctx)
    if event is None:
        return
    if ResultsPress.parse(ctx.choice) != ResultsPress("save"):
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    came = set(ctx.data.get("came", []))
    for signup in await store.people_of(ctx.session, event.id, SignupStatus.GOING):
        signup.attended = signup.id in came
    event.results_at, event.attended = ctx.now, len(came)
    event.bags, event.kilograms = ctx.data["bags"], ctx.data.get("kg")
    photos = ctx.data.get("photos", [])
    known = set(await ctx.session.scalars(select(EventPhoto.sha256).where(EventPhoto.event_id == event.id)))
    for photo in photos:
        if photo["sha256"] not in known:
            ctx.session.add(EventPhoto(event_id=event.id, added_by_id=ctx.user.id, created_at=ctx.now, **photo))
    cleaned = await clean_linked_reports(ctx, event, photos[0]["path"] if photos else None)
    ctx.end_flow()
    text = ctx._("💾 The results are saved. Thank you for organising!")
    if cleaned:
        text += "\n" + ctx._("Reports marked cleaned: {codes}", codes=", ".join(cleaned))
    await show_card(ctx, event, text)


async def linked_reports(ctx: Ctx, event_id: int) -> list[Report]:
    rows = await ctx.session.scalars(
        select(Report).join(EventReport, EventReport.report_id == Report.id).where(EventReport.event_id == event_id).order_by(Report.id)
    )
    return list(rows)


async def clean_linked_reports(ctx: Ctx, event: Event, after_path: str | None) -> list[str]:
    """Open reports the event set out to clean become "cleaned", as if a moderator marked them."""
    cleaned = []
    for report in await linked_reports(ctx, event.id):
        if report.status not in CLEANABLE:
            continue
        record_status(
            ctx.session, report, ReportStatus.CLEANED, by_user_id=ctx.user.id, now=ctx.now, note=f"event:{event.id}"
        )
        (await triage_of(ctx.session, report, ctx.now)).cleaned_at = ctx.now
        await settle_report(ctx, report)
        if after_path:
            await tell_cleaned(ctx, report, after_path)
        else:
            await tell_reporter(
                ctx,
                report,
                lambda tr, report=report: tr._(
                    "Your report {code}: the dump was cleaned at the cleanup event «{title}» ({when}). Thank you!",
                    code=report.code,
                    title=event.title,
                    when=when(tr, event),
                ),
            )
        cleaned.append(report.code)
    return cleaned


# --- small parsers ---------------------------------------------------------------------------------
def whole_number(text: str, maximum: int) -> int | None:
    digits = text.replace(" ", "")
    if not digits.isascii() or not digits.isdigit() or len(digits) > 9:
        return None
    value = int(digits)
    return value if value <= maximum else None


def decimal_number(text: str) -> float | None:
    cleaned = text.replace(" ", "").replace(",", ".")
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


async def display_names(ctx: Ctx, user_ids: list[int]) -> dict[int, str | None]:
    if not user_ids:
        return {}
    rows = await ctx.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids)))
    return {uid: name for uid, name in rows.all()}
