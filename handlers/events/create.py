"""Creating a cleanup event in a conversation, on the form engine (handlers/forms.py): title,
description, meeting point (its region and district come from the point), start and end in
Kazakhstan time, places, what to bring, the dump reports it will clean; then the summary with
«Edit» for each answer, and «Create». Subscribers of the region are told about the new event
through the outbox. A draft left unfinished is offered again when the organiser comes back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from handlers.context import Ctx
from handlers.events.access import organiser_regions
from handlers.events.fields import BRING, CAPACITY, DESCRIPTION, END, PLACE, REPORTS, START, TITLE
from handlers.events.manage import show_manage
from handlers.events.notices import notice, tell
from handlers.events.texts import map_link, place, when
from handlers.forms import Answers, Form, Question
from handlers.i18n import N_
from handlers.services import GEO
from storage import events as store
from storage.events import Event, EventReport, EventStatus
from storage.reports import report_code

ONLY_ORGANISERS = N_("Only organisers can create cleanup events. An administrator can make you one with /addorganiser.")


async def start_create(ctx: Ctx) -> None:
    if not await organiser_regions(ctx):
        ctx.reply(ctx._(ONLY_ORGANISERS))
        return
    ctx.end_flow()
    await EVENT_FORM.open(ctx)


def preview(data: Answers) -> Event:
    """An unsaved event made of the answers, to be written like a real one."""
    return Event(
        id=0,
        title=data["title"],
        description=data["description"],
        latitude=data["lat"],
        longitude=data["lon"],
        region_code=data["region"],
        district_pcode=data["district"],
        starts_at=datetime.fromisoformat(data["start"]).astimezone(timezone.utc),
        ends_at=datetime.fromisoformat(data["end"]).astimezone(timezone.utc),
        capacity=data["capacity"],
        taken=0,
        bring=data.get("bring"),
        status=EventStatus.SCHEDULED,
    )


def summary_lines(ctx: Ctx, data: Answers) -> list[str]:
    event = preview(data)
    return [
        f"🧹 {event.title}",
        event.description,
        ctx._("🕒 {when}", when=when(ctx.tr, event)),
        ctx._("📍 {place}", place=place(ctx.tr, ctx.service(GEO), event)),
        ctx._("🗺 {link}", link=map_link(event)),
        ctx._("👥 Places: {n}", n=event.capacity),
        ctx._("🧰 Bring: {what}", what=event.bring or "—"),
    ]


async def summary(ctx: Ctx, data: Answers) -> Question:
    codes = ", ".join(report_code(i) for i in data.get("reports", [])) or "—"
    lines = [ctx._("Check the cleanup event before creating it:"), *summary_lines(ctx, data)]
    return Question("\n".join([*lines, ctx._("🗑 Reports: {codes}", codes=codes)]))


async def create(ctx: Ctx, data: Answers) -> bool:
    event = preview(data)
    if not await organiser_regions(ctx):
        ctx.reply(ctx._(ONLY_ORGANISERS))
        return True  # the right was taken away meanwhile: the draft goes
    if event.starts_at <= ctx.now:
        ctx.reprompt(ctx._("This time is in the past. Please send a time in the future."))
        return False
    event.id = None  # type: ignore[assignment]
    event.organiser_id, event.created_at, event.updated_at = ctx.user.id, ctx.now, ctx.now
    ctx.session.add(event)
    await ctx.session.flush()
    ctx.session.add_all(EventReport(event_id=event.id, report_id=report_id) for report_id in data.get("reports", []))
    geo = ctx.service(GEO)
    for user_id in await store.subscribers(ctx.session, event.region_code):
        if user_id != ctx.user.id:
            await tell(
                ctx,
                user_id,
                lambda tr: notice(
                    tr,
                    event,
                    tr._(
                        "🧹 A new cleanup event in {region}: «{title}», {when}.",
                        region=geo.regions[event.region_code].name(tr.language),
                        title=event.title,
                        when=when(tr, event),
                    ),
                ),
            )
    await show_manage(ctx, event, ctx._("✅ The cleanup event is created. Share its invitation link so that volunteers can sign up."))
    return True


def resume_question(ctx: Ctx, data: Answers) -> str | None:
    return ctx._("You have begun creating a cleanup event. Continue it?") if data.get("title") else None


EVENT_FORM = Form(
    "event",
    (TITLE, DESCRIPTION, PLACE, START, END, CAPACITY, BRING, REPORTS),
    summary=summary,
    submit=create,
    confirm_label=N_("✅ Create the event"),
    discarded=N_("The cleanup event is discarded."),
    resume_question=resume_question,
    max_age=timedelta(days=7),
)
