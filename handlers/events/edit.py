"""Editing an event: its title, description, meeting point, time, places or what to bring, asked
with the same questions as at creation. Everyone signed up or waiting is told a new time or a new
place; more places go to the waitlist at once; fewer places than people signed up are refused."""

from __future__ import annotations

from datetime import datetime, timezone

from handlers.context import Ctx
from handlers.events import wizard
from handlers.events.access import may_manage, refuse
from handlers.events.buttons import DraftPress
from handlers.events.card import show_card
from handlers.events.manage import show_manage
from handlers.events.notices import tell_people
from handlers.events.signup import tell_promoted
from handlers.events.texts import map_link, place, when
from handlers.services import GEO
from handlers.types import Choice
from storage import events as store
from storage.events import Event, SignupStatus

# What «Edit» offers, and the fields each choice asks again.
EDITS = {"title": ["title"], "description": ["description"], "place": ["place"], "start": ["start", "end"],
         "capacity": ["capacity"], "bring": ["bring"]}


async def ask_edit(ctx: Ctx, event: Event) -> None:
    if event.is_cancelled or event.has_ended(ctx.now):
        await show_manage(ctx, event, ctx._("This cleanup event can no longer be edited."))
        return
    ctx.end_flow()
    ctx.data["event"] = event.id
    choices = [Choice(DraftPress("edit", name).id, ctx._(wizard.BY_NAME[name].edit_label)) for name in EDITS]
    ctx.ask("events.edit", ctx._("What do you want to change in «{title}»?", title=event.title), choices)


async def on_edit_choice(ctx: Ctx) -> None:
    press = DraftPress.parse(ctx.choice)
    event = await ctx.session.get(Event, ctx.data.get("event"))
    if event is None or press is None or press.field not in EDITS:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    wizard.begin(ctx, "edit", EDITS[press.field], {"region": event.region_code})
    wizard.advance(ctx)


async def apply_edit(ctx: Ctx, data: dict) -> None:
    event = await store.locked_event(ctx.session, ctx.data.get("event", 0))
    if event is None or not await may_manage(ctx, event):
        ctx.end_flow()
        refuse(ctx, "events.edit", ctx.data.get("event"))
        return
    if event.is_cancelled or event.has_ended(ctx.now):
        await show_manage(ctx, event, ctx._("This cleanup event can no longer be edited."))
        return
    if "capacity" in data and data["capacity"] < event.taken:
        wizard.clear(data, "capacity")
        ctx.reply(
            ctx._("{n} people are signed up already: the number of places cannot be lower.", n=event.taken)
        )
        wizard.advance(ctx)
        return
    changed = []
    if "title" in data:
        event.title = data["title"]
    if "description" in data:
        event.description = data["description"]
    if "bring" in data:
        event.bring = data["bring"]
    if "lat" in data:
        event.latitude, event.longitude = data["lat"], data["lon"]
        event.region_code, event.district_pcode = data["region"], data["district"]
        changed.append("place")
    if "start" in data:
        event.starts_at = datetime.fromisoformat(data["start"]).astimezone(timezone.utc)
        event.ends_at = datetime.fromisoformat(data["end"]).astimezone(timezone.utc)
        await reset_reminders(ctx, event)
        changed.append("time")
    promoted = []
    if "capacity" in data:
        event.capacity = data["capacity"]
        while (user_id := await store.promote_waiting(ctx.session, event, ctx.now)) is not None:
            promoted.append(user_id)
    event.updated_at = ctx.now
    await ctx.session.flush()
    for user_id in promoted:
        await tell_promoted(ctx, event, user_id)
    told = await tell_change(ctx, event, changed) if changed else 0
    text = ctx._("✅ Saved.")
    if changed:
        text += " " + ctx.ngettext("{n} person was told about the change.", "{n} people were told about the change.", told)
    ctx.end_flow()
    await show_card(ctx, event, text)


async def reset_reminders(ctx: Ctx, event: Event) -> None:
    """A new time means new reminders (none for a reminder whose time has passed already)."""
    for signup in await store.people_of(ctx.session, event.id, SignupStatus.GOING):
        store.plan_reminders(signup, event, ctx.now)


async def tell_change(ctx: Ctx, event: Event, changed: list[str]) -> int:
    geo = ctx.service(GEO)

    def text(tr) -> str:
        lines = [tr._("✏️ The cleanup event «{title}» has changed:", title=event.title)]
        if "time" in changed:
            lines.append(tr._("New time: {when}", when=when(tr, event)))
        if "place" in changed:
            lines.append(tr._("New meeting point: {place} {link}", place=place(tr, geo, event), link=map_link(event)))
        return "\n".join(lines)

    return await tell_people(ctx, event, (SignupStatus.GOING, SignupStatus.WAITING), text)

