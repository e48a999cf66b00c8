"""A volunteer's presses on an event: open it, sign up, join the waitlist, cancel (from the card
or from a reminder's «I can't come»), get the calendar file, check in by location while the
event runs, and add the bags they filled once it is over.

A freed place goes to the first on the waitlist in the same transaction (storage.events), and
that person is told at once, with the calendar file."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.events.buttons import EventPress
from handlers.events.calendar import calendar_file
from handlers.events.card import show_card
from handlers.events.notices import notice, tell
from handlers.events.results import ask_bags
from handlers.events.texts import distance, when
from handlers.i18n import Translator
from handlers.points.ledger import award
from handlers.services import GEO
from handlers.types import Kind, Reply
from storage import events as store
from storage.points import RULES, Deed
from storage.events import CHECK_IN_EARLY, CHECK_IN_RADIUS_M, Event, SignupOutcome, SignupStatus


async def on_press(ctx: Ctx) -> None:
    press: EventPress = ctx.button
    event = await ctx.session.get(Event, press.event_id)
    if event is None:
        ctx.reply(ctx._("This cleanup event does not exist."))
        return
    await VERBS[press.verb](ctx, event)


async def open_card(ctx: Ctx, event: Event) -> None:
    await show_card(ctx, event)


async def join(ctx: Ctx, event: Event, *, waitlist: bool = False) -> None:
    outcome = await store.sign_up(ctx.session, event.id, ctx.user.id, ctx.now, waitlist=waitlist)
    if outcome is SignupOutcome.GOING:
        ctx.reply(
            ctx._(
                "✅ You are signed up for «{title}». Here is the calendar file; I will also remind you "
                "24 hours and 2 hours before the start.",
                title=event.title,
            ),
            document=calendar_file(ctx.tr, ctx.service(GEO), event, ctx.now),
        )
        await show_card(ctx, event)
        return
    await show_card(ctx, event, SIGNUP_ANSWERS[outcome](ctx.tr))


SIGNUP_ANSWERS = {
    SignupOutcome.WAITING: lambda tr: tr._(
        "⏳ You are on the waitlist. When a place frees up, it is yours at once and I will tell you."
    ),
    SignupOutcome.FULL: lambda tr: tr._(
        "There are no places left. You can join the waitlist: when a place frees up, it is yours at "
        "once and I will tell you."
    ),
    SignupOutcome.ALREADY_GOING: lambda tr: tr._("You are already signed up for this cleanup event."),
    SignupOutcome.ALREADY_WAITING: lambda tr: tr._("You are already on the waitlist of this cleanup event."),
    SignupOutcome.CANCELLED_EVENT: lambda tr: tr._("This cleanup event has been cancelled: signing up is closed."),
    SignupOutcome.ENDED: lambda tr: tr._("This cleanup event is over: signing up is closed."),
}


async def join_waitlist(ctx: Ctx, event: Event) -> None:
    await join(ctx, event, waitlist=True)


async def leave(ctx: Ctx, event: Event) -> None:
    if event.has_ended(ctx.now):
        await show_card(ctx, event, ctx._("This cleanup event is over: there is nothing to cancel."))
        return
    result = await store.cancel_signup(ctx.session, event.id, ctx.user.id, ctx.now)
    if result.was == SignupStatus.GOING:
        text = ctx._("Your place is cancelled. Thank you for telling us: someone else can come instead.")
    elif result.was == SignupStatus.WAITING:
        text = ctx._("You have left the waitlist.")
    else:
        text = ctx._("You have no place at this cleanup event: there is nothing to cancel.")
    if result.promoted_user_id is not None:
        await tell_promoted(ctx, event, result.promoted_user_id)
    await show_card(ctx, event, text)


async def tell_promoted(ctx: Ctx, event: Event, user_id: int) -> None:
    geo = ctx.service(GEO)

    def build(tr: Translator) -> Reply:
        text = tr._(
            "🎉 A place has freed up at «{title}» ({when}): it is yours now. If you cannot come, "
            "please cancel it on the event's card.",
            title=event.title,
            when=when(tr, event),
        )
        return notice(tr, event, text)

    if await tell(ctx, user_id, build):
        await tell(
            ctx,
            user_id,
            lambda tr: Reply(document=calendar_file(tr, geo, event, ctx.now), kind="event"),
        )


async def send_calendar(ctx: Ctx, event: Event) -> None:
    signup = await store.signup_of(ctx.session, event.id, ctx.user.id)
    if signup is None or signup.status != SignupStatus.GOING or event.is_cancelled:
        await show_card(ctx, event, ctx._("The calendar file is for people signed up for the event."))
        return
    ctx.reply(ctx._("📅 The calendar file of «{title}».", title=event.title), document=calendar_file(ctx.tr, ctx.service(GEO), event, ctx.now))


# --- check-in ------------------------------------------------------------------------------------
async def check_in(ctx: Ctx, event: Event) -> None:
    problem = await check_in_problem(ctx, event)
    if problem:
        await show_card(ctx, event, problem)
        return
    ctx.data["event"] = event.id
    ctx.ask(
        "events.checkin",
        ctx._(
            "📍 Share your location (📎, then «Location») to check in. It works within {radius} of the "
            "meeting point.",
            radius=distance(ctx.tr, CHECK_IN_RADIUS_M),
        ),
    )


async def check_in_problem(ctx: Ctx, event: Event) -> str | None:
    signup = await store.signup_of(ctx.session, event.id, ctx.user.id)
    if event.is_cancelled:
        return ctx._("This cleanup event has been cancelled.")
    if signup is None or signup.status != SignupStatus.GOING:
        return ctx._("Only people signed up for this cleanup event can check in.")
    if signup.checked_in_at:
        return ctx._("Your attendance is already checked in.")
    if ctx.now < event.starts_at - CHECK_IN_EARLY:
        opens = ctx.tr.datetime(event.starts_at - CHECK_IN_EARLY)
        return ctx._("Check-in is not open yet: it opens 30 minutes before the start, at {time}.", time=opens)
    if event.has_ended(ctx.now):
        return ctx._("This cleanup event is over: check-in closed at {time}.", time=ctx.tr.datetime(event.ends_at))
    return None


async def on_check_in_location(ctx: Ctx) -> None:
    event = await ctx.session.get(Event, ctx.data.get("event"))
    if event is None:
        ctx.end_flow()
        ctx.reply(ctx._("This cleanup event does not exist."))
        return
    if ctx.incoming.kind is not Kind.LOCATION or ctx.incoming.location is None:
        ctx.reprompt(ctx._("Please share your location to check in."))
        return
    problem = await check_in_problem(ctx, event)
    if problem:
        await show_card(ctx, event, problem)
        return
    point = (ctx.incoming.location.latitude, ctx.incoming.location.longitude)
    metres = ctx.service(GEO).distance_m(point, (event.latitude, event.longitude))
    if metres > CHECK_IN_RADIUS_M:
        ctx.reprompt(
            ctx._(
                "You are {distance} from the meeting point. Check-in works within {radius}: please come "
                "closer and share your location again.",
                distance=distance(ctx.tr, metres),
                radius=distance(ctx.tr, CHECK_IN_RADIUS_M),
            )
        )
        return
    signup = await store.signup_of(ctx.session, event.id, ctx.user.id)
    assert signup is not None  # check_in_problem found it
    signup.checked_in_at = ctx.now
    await award(ctx, ctx.user.id, Deed.EVENT_ATTENDED, event.id, RULES[Deed.EVENT_ATTENDED], event.region_code)
    await show_card(ctx, event, ctx._("📍 You are checked in at «{title}». Thank you for coming!", title=event.title))


VERBS = {
    "open": open_card,
    "join": join,
    "wait": join_waitlist,
    "leave": leave,
    "cantcome": leave,
    "ics": send_calendar,
    "checkin": check_in,
    "bags": ask_bags,
}
