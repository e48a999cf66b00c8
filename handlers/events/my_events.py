"""«My events»: the volunteer's upcoming and past cleanup events, attendance and hours; what events
add to the profile, to /mydata and to /forget."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select, update

from handlers.context import Ctx
from handlers.events.buttons import EventPress
from handlers.events.card import waitlist_position
from handlers.events.signup import tell_promoted
from handlers.events.texts import button_title, short_date, when
from handlers.types import Choice
from storage import events as store
from storage.events import BagClaim, Event, EventPhoto, EventSignup, EventSubscription, SignupStatus

SHOWN = 10


def attended(signup: EventSignup) -> bool:
    """The organiser's word when given, else the check-in."""
    return signup.attended if signup.attended is not None else signup.checked_in_at is not None


async def my_signups(ctx: Ctx) -> list[tuple[EventSignup, Event]]:
    rows = await ctx.session.execute(
        select(EventSignup, Event)
        .join(Event, Event.id == EventSignup.event_id)
        .where(EventSignup.user_id == ctx.user.id, EventSignup.status != SignupStatus.CANCELLED)
        .order_by(Event.starts_at, Event.id)
    )
    return [(s, e) for s, e in rows.all()]


async def show_my_events(ctx: Ctx) -> None:
    rows = await my_signups(ctx)
    upcoming = [(s, e) for s, e in rows if not e.has_ended(ctx.now) and not e.is_cancelled]
    past = [(s, e) for s, e in rows if e.has_ended(ctx.now) and s.status == SignupStatus.GOING and not e.is_cancelled]
    came = [e for s, e in past if attended(s)]
    hours = sum(e.hours for e in came)
    lines = [ctx._("🗓 My events")]
    choices = []
    if upcoming:
        lines.append(ctx._("Upcoming:"))
        for signup, event in upcoming[:SHOWN]:
            if signup.status == SignupStatus.GOING:
                state = ctx._("signed up")
            else:
                state = ctx._("waitlist, number {n}", n=await waitlist_position(ctx, signup))
            lines.append(f"• {event.title}: {when(ctx.tr, event)} ({state})")
            choices.append(Choice(EventPress("open", event.id).id, f"{button_title(event)} · {short_date(ctx.tr, event)}"))
    else:
        lines.append(ctx._("You are not signed up for any upcoming cleanup event."))
    if past:
        lines.append(ctx._("Past:"))
        for signup, event in reversed(past[-SHOWN:]):
            mark = ctx._("came") if attended(signup) else ctx._("attendance not marked")
            lines.append(f"• {event.title}: {ctx.tr.date(event.starts_at)} ({mark})")
            choices.append(Choice(EventPress("open", event.id).id, f"{button_title(event)} · {short_date(ctx.tr, event)}"))
    lines.append(
        ctx.ngettext(
            "Cleanup events attended: {n}; hours volunteered: {hours}.",
            "Cleanup events attended: {n}; hours volunteered: {hours}.",
            len(came),
            hours=ctx.tr.number(round(hours, 1)),
        )
    )
    ctx.ask("events.mine", "\n".join(lines), choices)


async def profile_lines(ctx: Ctx) -> list[str]:
    rows = await my_signups(ctx)
    came = [e for s, e in rows if e.has_ended(ctx.now) and s.status == SignupStatus.GOING and attended(s)]
    upcoming = sum(1 for s, e in rows if not e.has_ended(ctx.now) and not e.is_cancelled)
    return [
        ctx._(
            "Cleanup events: {upcoming} upcoming, {n} attended ({hours} h)",
            upcoming=upcoming,
            n=len(came),
            hours=ctx.tr.number(round(sum(e.hours for e in came), 1)),
        )
    ]


async def export_events(ctx: Ctx) -> dict[str, Any]:
    rows = await ctx.session.execute(
        select(EventSignup, Event).join(Event, Event.id == EventSignup.event_id).where(EventSignup.user_id == ctx.user.id)
    )
    claims = await ctx.session.scalars(select(BagClaim).where(BagClaim.user_id == ctx.user.id))
    regions = await ctx.session.scalars(select(EventSubscription.region_code).where(EventSubscription.user_id == ctx.user.id))
    organised = await ctx.session.scalars(select(Event).where(Event.organiser_id == ctx.user.id).order_by(Event.id))
    return {
        "signups": [
            {
                "event": e.title,
                "starts_at": e.starts_at.isoformat(),
                "status": s.status,
                "signed_up_at": s.queued_at.isoformat(),
                "checked_in_at": s.checked_in_at.isoformat() if s.checked_in_at else None,
                "attended": s.attended,
            }
            for s, e in rows.all()
        ],
        "bag_claims": [{"event_id": c.event_id, "bags": c.bags, "status": c.status} for c in claims],
        "subscribed_regions": list(regions),
        "organised": [{"id": e.id, "title": e.title, "starts_at": e.starts_at.isoformat()} for e in organised],
    }


async def erase_events(ctx: Ctx) -> None:
    """/forget: places held on upcoming events are freed (the waitlist moves up and is told), then
    every sign-up, claim and subscription goes. Events the person organised stay, without them."""
    uid = ctx.user.id
    for signup, event in await my_signups(ctx):
        if not event.has_ended(ctx.now):
            result = await store.cancel_signup(ctx.session, event.id, uid, ctx.now)
            if result.promoted_user_id is not None:
                await tell_promoted(ctx, event, result.promoted_user_id)
    await ctx.session.execute(delete(EventSignup).where(EventSignup.user_id == uid))
    await ctx.session.execute(delete(BagClaim).where(BagClaim.user_id == uid))
    await ctx.session.execute(delete(EventSubscription).where(EventSubscription.user_id == uid))
    await ctx.session.execute(update(Event).where(Event.organiser_id == uid).values(organiser_id=None))
    await ctx.session.execute(update(EventPhoto).where(EventPhoto.added_by_id == uid).values(added_by_id=None))
