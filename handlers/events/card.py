"""The event card: details, map link, organiser, places left, and the buttons that fit the reader
(sign up, waitlist, cancel, calendar file, check-in, add my bags, manage)."""

from __future__ import annotations

from sqlalchemy import and_, func, or_, select

from handlers.context import Ctx
from handlers.events.access import may_manage
from handlers.events.buttons import EventAdmin, EventPress, HomePress
from handlers.events.texts import card_text
from handlers.services import GEO
from handlers.types import Choice
from storage import events as store
from storage.events import Event, EventSignup, SignupStatus
from storage.models import User


async def waitlist_position(ctx: Ctx, signup: EventSignup) -> int:
    ahead = await ctx.session.scalar(
        select(func.count(EventSignup.id)).where(
            EventSignup.event_id == signup.event_id,
            EventSignup.status == SignupStatus.WAITING,
            or_(
                EventSignup.queued_at < signup.queued_at,
                and_(EventSignup.queued_at == signup.queued_at, EventSignup.id < signup.id),
            ),
        )
    )
    return int(ahead or 0) + 1


async def waiting_count(ctx: Ctx, event_id: int) -> int:
    count = await ctx.session.scalar(
        select(func.count(EventSignup.id)).where(
            EventSignup.event_id == event_id, EventSignup.status == SignupStatus.WAITING
        )
    )
    return int(count or 0)


async def show_card(ctx: Ctx, event: Event, text: str | None = None) -> None:
    if not (ctx.step or "").startswith("events."):
        ctx.end_flow()  # opened from another flow's message: its scratch data is not ours
    signup = await store.signup_of(ctx.session, event.id, ctx.user.id)
    status = signup.status if signup else None
    position = await waitlist_position(ctx, signup) if status == SignupStatus.WAITING else None
    organiser = await ctx.session.get(User, event.organiser_id) if event.organiser_id else None
    body = card_text(
        ctx.tr,
        ctx.service(GEO),
        event,
        organiser=organiser.display_name if organiser else None,
        waiting=await waiting_count(ctx, event.id),
        signup=signup,
        position=position,
    )
    choices = []
    open_ = not event.is_cancelled and not event.has_ended(ctx.now)
    if open_ and status == SignupStatus.GOING:
        if event.check_in_open(ctx.now) and signup and not signup.checked_in_at:
            choices.append(Choice(EventPress("checkin", event.id).id, ctx._("📍 Check in")))
        choices.append(Choice(EventPress("ics", event.id).id, ctx._("📅 Calendar file")))
        choices.append(Choice(EventPress("leave", event.id).id, ctx._("✖️ Cancel my place")))
    elif open_ and status == SignupStatus.WAITING:
        choices.append(Choice(EventPress("leave", event.id).id, ctx._("✖️ Leave the waitlist")))
    elif open_ and event.places_left:
        choices.append(Choice(EventPress("join", event.id).id, ctx._("✅ Sign up")))
    elif open_:
        choices.append(Choice(EventPress("wait", event.id).id, ctx._("⏳ Join the waitlist")))
    if event.has_ended(ctx.now) and not event.is_cancelled and status == SignupStatus.GOING:
        choices.append(Choice(EventPress("bags", event.id).id, ctx._("🛍 Add my bags")))
    if await may_manage(ctx, event):
        choices.append(Choice(EventAdmin("manage", event.id).id, ctx._("🛠 Manage the event")))
    if ctx.data.get("region"):
        choices.append(Choice(HomePress("list").id, ctx._("⬅️ Back to the list")))
    ctx.data["event"] = event.id
    ctx.ask("events.card", f"{text}\n\n{body}" if text else body, choices, repeat=body)
