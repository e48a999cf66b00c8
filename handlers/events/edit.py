"""Editing an event on the form engine: the draft is filled with the event as it is, the summary
offers «Edit» for the title, description, meeting point, time, places and what to bring (asked
with the same questions as at creation), and «Save the changes». Everyone signed up or waiting is
told a new time or a new place; more places go to the waitlist at once; fewer places than people
signed up are refused."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from handlers.context import Ctx
from handlers.events.access import may_manage, refuse
from handlers.events.card import show_card
from handlers.events.create import summary_lines
from handlers.events.fields import BRING, CAPACITY, DESCRIPTION, END, PLACE, START, TITLE
from handlers.events.manage import show_manage
from handlers.events.notices import tell_people
from handlers.events.signup import tell_promoted
from handlers.events.texts import map_link, place, when
from handlers.forms import Answers, Form, Question
from handlers.i18n import KZ_TZ, N_
from handlers.services import GEO
from storage import events as store
from storage.events import Event, SignupStatus


async def ask_edit(ctx: Ctx, event: Event) -> None:
    if event.is_cancelled or event.has_ended(ctx.now):
        await show_manage(ctx, event, ctx._("This cleanup event can no longer be edited."))
        return
    ctx.end_flow()
    await EDIT_FORM.advance(ctx, answers_of(event))


def answers_of(event: Event) -> Answers:
    return {
        "event": event.id,
        "title": event.title,
        "description": event.description,
        "lat": event.latitude,
        "lon": event.longitude,
        "region": event.region_code,
        "district": event.district_pcode,
        "start": event.starts_at.astimezone(KZ_TZ).isoformat(),
        "end": event.ends_at.astimezone(KZ_TZ).isoformat(),
        "capacity": event.capacity,
        "bring": event.bring,
    }


async def summary(ctx: Ctx, data: Answers) -> Question:
    return Question("\n".join([ctx._("What do you want to change? Press «Save the changes» when done."), *summary_lines(ctx, data)]))


async def apply_edit(ctx: Ctx, data: Answers) -> bool:
    event = await store.locked_event(ctx.session, data.get("event", 0))
    if event is None or not await may_manage(ctx, event):
        refuse(ctx, "events.edit", data.get("event"))
        return True
    if event.is_cancelled or event.has_ended(ctx.now):
        await show_manage(ctx, event, ctx._("This cleanup event can no longer be edited."))
        return True
    if data["capacity"] < event.taken:
        ctx.reprompt(ctx._("{n} people are signed up already: the number of places cannot be lower.", n=event.taken))
        return False
    starts = datetime.fromisoformat(data["start"]).astimezone(timezone.utc)
    ends = datetime.fromisoformat(data["end"]).astimezone(timezone.utc)
    changed = []
    if (data["lat"], data["lon"]) != (event.latitude, event.longitude):
        changed.append("place")
    if (starts, ends) != (event.starts_at, event.ends_at):
        changed.append("time")
    event.title, event.description, event.bring = data["title"], data["description"], data.get("bring")
    event.latitude, event.longitude = data["lat"], data["lon"]
    event.region_code, event.district_pcode = data["region"], data["district"]
    event.starts_at, event.ends_at = starts, ends
    event.capacity, event.updated_at = data["capacity"], ctx.now
    if "time" in changed:  # a new time means new reminders
        for signup in await store.people_of(ctx.session, event.id, SignupStatus.GOING):
            store.plan_reminders(signup, event, ctx.now)
    promoted = []
    while (user_id := await store.promote_waiting(ctx.session, event, ctx.now)) is not None:
        promoted.append(user_id)
    await ctx.session.flush()
    for user_id in promoted:
        await tell_promoted(ctx, event, user_id)
    text = ctx._("✅ Saved.")
    if changed:
        told = await tell_change(ctx, event, changed)
        text += " " + ctx.ngettext("{n} person was told about the change.", "{n} people were told about the change.", told)
    ctx.end_flow()
    await show_card(ctx, event, text)
    return True


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


EDIT_FORM = Form(
    "event_edit",
    (TITLE, DESCRIPTION, PLACE, START, END, CAPACITY, BRING),
    summary=summary,
    submit=apply_edit,
    confirm_label=N_("💾 Save the changes"),
    discarded=N_("The changes are discarded."),
    max_age=timedelta(days=1),
)
