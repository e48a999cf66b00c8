"""Creating a cleanup event in a conversation: title, description, meeting point (its region and
district come from the point), start and end in Kazakhstan time, places, what to bring, the dump
reports it will clean; then a summary with «Edit» for each answer, and «Create». Subscribers of
the region are told about the new event through the outbox."""

from __future__ import annotations

from datetime import datetime, timezone

from handlers.context import Ctx
from handlers.events import wizard
from handlers.events.access import organiser_regions
from handlers.events.buttons import DraftPress
from handlers.events.manage import show_manage
from handlers.events.notices import notice, tell
from handlers.events.texts import map_link, place, when
from handlers.events.wizard import BY_NAME
from handlers.services import GEO
from handlers.types import Choice
from storage import events as store
from storage.events import Event, EventReport, EventStatus
from storage.reports import report_code

CREATE_FIELDS = ["title", "description", "place", "start", "end", "capacity", "bring", "reports"]


async def start_create(ctx: Ctx) -> None:
    if not await organiser_regions(ctx):
        ctx.reply(
            ctx._("Only organisers can create cleanup events. An administrator can make you one with /addorganiser.")
        )
        return
    ctx.end_flow()
    wizard.begin(ctx, "create", CREATE_FIELDS, {})
    if wizard.advance(ctx):
        await show_summary(ctx)


def preview(ctx: Ctx, data: dict) -> Event:
    """An unsaved event made of the draft, to be written like a real one."""
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


async def show_summary(ctx: Ctx) -> None:
    data = wizard.draft(ctx)
    event = preview(ctx, data)
    lines = [
        ctx._("Check the cleanup event before creating it:"),
        f"🧹 {event.title}",
        event.description,
        ctx._("🕒 {when}", when=when(ctx.tr, event)),
        ctx._("📍 {place}", place=place(ctx.tr, ctx.service(GEO), event)),
        ctx._("🗺 {link}", link=map_link(event)),
        ctx._("👥 Places: {n}", n=event.capacity),
        ctx._("🧰 Bring: {what}", what=event.bring or "—"),
        ctx._("🗑 Reports: {codes}", codes=", ".join(report_code(i) for i in data.get("reports", [])) or "—"),
    ]
    choices = [Choice(DraftPress("save").id, ctx._("✅ Create the event"))]
    choices += [Choice(DraftPress("edit", name).id, ctx._(BY_NAME[name].edit_label)) for name in CREATE_FIELDS]
    ctx.ask("events.create_confirm", "\n".join(lines), choices)


async def on_summary(ctx: Ctx) -> None:
    press = DraftPress.parse(ctx.choice)
    data = wizard.draft(ctx)
    if press is not None and press.verb == "edit" and press.field in CREATE_FIELDS:
        wizard.clear(data, press.field)
        if wizard.advance(ctx):
            await show_summary(ctx)
    elif press == DraftPress("save") and all(BY_NAME[name].keys[0] in data for name in CREATE_FIELDS):
        await create(ctx, data)
    else:
        ctx.reprompt(ctx._("Please choose one of the options below."))


async def create(ctx: Ctx, data: dict) -> None:
    event = preview(ctx, data)
    if not await organiser_regions(ctx):
        ctx.end_flow()
        ctx.reply(ctx._("Only organisers can create cleanup events. An administrator can make you one with /addorganiser."))
        return
    if event.starts_at <= ctx.now:
        wizard.clear(data, "start")
        ctx.reply(ctx._("This time is in the past. Please send a time in the future."))
        wizard.advance(ctx)
        return
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
