"""The organiser's side of an event: the manage screen, participants and waitlist, the CSV,
a message to all participants, cancelling the event (everyone signed up or waiting is told).

Every `EventAdmin` press reloads the event and checks the presser's right to manage it."""

from __future__ import annotations

import csv
import io

from sqlalchemy import select

from handlers.context import Ctx
from handlers.events.access import may_manage, refuse
from handlers.events.buttons import EventAdmin
from handlers.events.card import show_card
from handlers.events.notices import tell_people
from handlers.events.results import display_names, start_results
from handlers.events.texts import button_title, short_date, when
from handlers.points.ledger import take_back_event_points
from handlers.types import Choice, Document
from storage import events as store
from storage.events import Event, EventStatus, SignupStatus

MESSAGE_LIMIT = 1000
SHOWN = 10
CSV_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run such a cell as a formula


async def show_manage(ctx: Ctx, event: Event, text: str | None = None) -> None:
    ctx.end_flow()
    ctx.data["event"] = event.id
    waiting = len(await store.people_of(ctx.session, event.id, SignupStatus.WAITING))
    lines = [
        f"🛠 {event.title}",
        ctx._("🕒 {when}", when=when(ctx.tr, event)),
        ctx._("Signed up: {taken} of {capacity}; on the waitlist: {waiting}", taken=event.taken, capacity=event.capacity, waiting=waiting),
    ]
    if event.is_cancelled:
        lines.append(ctx._("✖️ This cleanup event has been cancelled."))
    verb = lambda v: EventAdmin(v, event.id).id  # noqa: E731
    choices = [
        Choice(verb("people"), ctx._("👥 Participants and waitlist")),
        Choice(verb("csv"), ctx._("📄 Download the list (CSV)")),
        Choice(verb("message"), ctx._("✉️ Message all participants")),
    ]
    if not event.is_cancelled and not event.has_ended(ctx.now):
        choices += [
            Choice(verb("invite"), ctx._("🔗 Invitation link and poster")),
            Choice(verb("edit"), ctx._("✏️ Edit the event")),
            Choice(verb("cancel"), ctx._("✖️ Cancel the event")),
        ]
    if event.has_ended(ctx.now) and not event.is_cancelled:
        choices.append(Choice(verb("results"), ctx._("🏁 Record the results")))
    body = "\n".join(lines)
    ctx.ask("events.manage", f"{text}\n\n{body}" if text else body, choices, repeat=body)


async def show_people(ctx: Ctx, event: Event) -> None:
    going = await store.people_of(ctx.session, event.id, SignupStatus.GOING)
    waiting = await store.people_of(ctx.session, event.id, SignupStatus.WAITING)
    names = await display_names(ctx, [s.user_id for s in going + waiting])
    lines = [ctx._("👥 Participants of «{title}» ({n}):", title=event.title, n=len(going))]
    for number, signup in enumerate(going, start=1):
        mark = " 📍" if signup.checked_in_at else ""
        lines.append(f"{number}. {names.get(signup.user_id) or '—'}{mark}")
    if not going:
        lines.append(ctx._("nobody yet"))
    lines.append(ctx._("⏳ Waitlist ({n}):", n=len(waiting)))
    lines += [f"{number}. {names.get(s.user_id) or '—'}" for number, s in enumerate(waiting, start=1)]
    await show_manage(ctx, event, "\n".join(lines))


async def send_csv(ctx: Ctx, event: Event) -> None:
    """Names as the people gave them, never their phone numbers or accounts."""
    going = await store.people_of(ctx.session, event.id, SignupStatus.GOING)
    waiting = await store.people_of(ctx.session, event.id, SignupStatus.WAITING)
    names = await display_names(ctx, [s.user_id for s in going + waiting])
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["status", "number", "name", "signed_up_at", "checked_in_at", "attended"])
    for status, people in ((SignupStatus.GOING, going), (SignupStatus.WAITING, waiting)):
        for number, signup in enumerate(people, start=1):
            writer.writerow(
                [
                    status,
                    number,
                    safe_cell(names.get(signup.user_id) or ""),
                    signup.queued_at.isoformat(),
                    signup.checked_in_at.isoformat() if signup.checked_in_at else "",
                    "" if signup.attended is None else ("yes" if signup.attended else "no"),
                ]
            )
    data = ("\ufeff" + buffer.getvalue()).encode("utf-8")  # the BOM makes Excel read UTF-8
    ctx.reply(
        ctx._("📄 Participants and waitlist of «{title}».", title=event.title),
        document=Document(f"cleanup-event-{event.id}-participants.csv", data, "text/csv"),
    )


def safe_cell(text: str) -> str:
    return "'" + text if text.startswith(CSV_DANGEROUS) else text


async def ask_message(ctx: Ctx, event: Event) -> None:
    ctx.end_flow()
    ctx.data["event"] = event.id
    ctx.ask(
        "events.message",
        ctx._("✉️ Send the message for the participants of «{title}» (up to {limit} characters).", title=event.title, limit=MESSAGE_LIMIT),
    )


async def on_message(ctx: Ctx) -> None:
    event = await ctx.session.get(Event, ctx.data.get("event"))
    if event is None or not await may_manage(ctx, event):
        ctx.end_flow()
        refuse(ctx, "events.message", ctx.data.get("event"))
        return
    if not ctx.text:
        ctx.reprompt(ctx._("Please send the message as text."))
        return
    if len(ctx.text) > MESSAGE_LIMIT:
        ctx.reprompt(ctx._("The message is too long: at most {limit} characters.", limit=MESSAGE_LIMIT))
        return
    body = ctx.text
    reached = await tell_people(
        ctx,
        event,
        (SignupStatus.GOING,),
        lambda tr: tr._("✉️ From the organiser of «{title}»:", title=event.title) + "\n\n" + body,
    )
    await show_manage(ctx, event, ctx.ngettext("Sent to {n} participant.", "Sent to {n} participants.", reached))


async def ask_cancel(ctx: Ctx, event: Event) -> None:
    if event.is_cancelled or event.has_ended(ctx.now):
        await show_manage(ctx, event, ctx._("This cleanup event can no longer be cancelled."))
        return
    ctx.data["event"] = event.id
    ctx.ask(
        "events.manage",
        ctx._("Cancel «{title}»? Everyone signed up or waiting will be told. This cannot be undone.", title=event.title),
        [Choice(EventAdmin("cancel_yes", event.id).id, ctx._("✖️ Yes, cancel the event"))],
    )


async def cancel_event(ctx: Ctx, event: Event) -> None:
    event = await store.locked_event(ctx.session, event.id) or event
    if event.is_cancelled or event.has_ended(ctx.now):
        await show_manage(ctx, event, ctx._("This cleanup event can no longer be cancelled."))
        return
    event.status, event.cancelled_at, event.updated_at = EventStatus.CANCELLED, ctx.now, ctx.now
    await take_back_event_points(ctx, event)
    told = await tell_people(
        ctx,
        event,
        (SignupStatus.GOING, SignupStatus.WAITING),
        lambda tr: tr._(
            "✖️ The cleanup event «{title}» ({when}) has been cancelled by its organiser. Sorry, and thank "
            "you for wanting to help!",
            title=event.title,
            when=when(tr, event),
        ),
    )
    await show_card(ctx, event, ctx.ngettext("The event is cancelled; {n} person was told.", "The event is cancelled; {n} people were told.", told))


async def open_manage(ctx: Ctx, event: Event) -> None:
    await show_manage(ctx, event)


async def show_organised(ctx: Ctx) -> None:
    """The events the person organises, upcoming first, then the latest past ones."""
    rows = list(
        await ctx.session.scalars(
            select(Event).where(Event.organiser_id == ctx.user.id).order_by(Event.starts_at.desc(), Event.id.desc()).limit(50)
        )
    )
    upcoming = sorted((e for e in rows if not e.has_ended(ctx.now)), key=lambda e: e.starts_at)
    past = [e for e in rows if e.has_ended(ctx.now)][:SHOWN]
    if not upcoming and not past:
        ctx.reply(ctx._("You have not created any cleanup events yet."))
        return
    lines = [ctx._("📋 Events I organise:")]
    choices = []
    for event in upcoming + past:
        state = ctx._("cancelled") if event.is_cancelled else ctx._("{taken} of {capacity} places taken", taken=event.taken, capacity=event.capacity)
        lines.append(f"• {event.title}: {when(ctx.tr, event)} ({state})")
        choices.append(Choice(EventAdmin("manage", event.id).id, f"{button_title(event)} · {short_date(ctx.tr, event)}"))
    ctx.ask("events.organised", "\n".join(lines), choices)


ADMIN_VERBS = {
    "manage": open_manage,
    "people": show_people,
    "csv": send_csv,
    "message": ask_message,
    "cancel": ask_cancel,
    "cancel_yes": cancel_event,
    "results": start_results,
}
