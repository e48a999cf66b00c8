"""Reminders of cleanup events: 24 hours and 2 hours before the start, to everyone holding a place,
in their own language on the channel they used last, through the outbox, each with «I can't come»
that frees the place for the waitlist.

A reminder is claimed by setting its time on the sign-up in the same transaction that queues the
message (one UPDATE ... RETURNING per kind), so running the job twice, or after a crash, sends
nothing twice. The 2-hour pass runs first and marks the 24-hour reminder too: someone whose
event starts in an hour gets one reminder, not two. Sign-ups made after a reminder's time are
marked at sign-up (storage.events.plan_reminders)."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, insert, select, update

from handlers.events.buttons import EventPress
from handlers.events.texts import map_link, place, when
from handlers.i18n import Translator
from handlers.services import GEO
from handlers.types import Choice, Reply
from jobs.base import JobContext
from storage.events import Event, EventSignup, EventStatus, SignupStatus
from storage.models import OutboxMessage
from storage.users import latest_addresses

NAME = "event_reminders"
HELP = "remind volunteers of their cleanup events 24 hours and 2 hours before the start"
EVERY_MINUTES = 5


def trigger(settings) -> IntervalTrigger:
    return IntervalTrigger(minutes=EVERY_MINUTES)


async def run(job: JobContext) -> str:
    now = job.clock()
    two_hours = await remind(job, now, timedelta(hours=2), EventSignup.reminded_2h_at, also=EventSignup.reminded_24h_at)
    day = await remind(job, now, timedelta(hours=24), EventSignup.reminded_24h_at)
    job.wake_sender()
    return f"sent {day} reminders 24 h before and {two_hours} reminders 2 h before"


async def remind(job: JobContext, now, ahead: timedelta, column, also=None) -> int:
    values = {column: now}
    if also is not None:
        values[also] = func.coalesce(also, now)
    async with job.sessions() as session, session.begin():
        due = select(Event.id).where(
            Event.status == EventStatus.SCHEDULED, Event.starts_at > now, Event.starts_at <= now + ahead
        )
        claimed = (
            await session.execute(
                update(EventSignup)
                .where(EventSignup.status == SignupStatus.GOING, column.is_(None), EventSignup.event_id.in_(due))
                .values(values)
                .returning(EventSignup.user_id, EventSignup.event_id)
            )
        ).all()
        if not claimed:
            return 0
        events = {
            e.id: e for e in await session.scalars(select(Event).where(Event.id.in_({event for _u, event in claimed})))
        }
        addresses = await latest_addresses(session, [user for user, _e in claimed])
        messages: dict[tuple[int, str | None], dict] = {}  # one text per event and language
        rows = []
        for user_id, event_id in claimed:
            address = addresses.get(user_id)
            if address is None:
                continue  # the person used /forget
            channel, chat_id, language = address
            key = (event_id, language)
            if key not in messages:
                messages[key] = reminder(job.tr(language), job.services[GEO], events[event_id], ahead).to_json()
            rows.append(
                {"channel": channel, "chat_id": chat_id, "payload": messages[key], "created_at": now, "next_attempt_at": now}
            )
        for start in range(0, len(rows), 5000):
            await session.execute(insert(OutboxMessage), rows[start : start + 5000])
    return len(rows)


def reminder(tr: Translator, geo, event: Event, ahead: timedelta) -> Reply:
    if ahead <= timedelta(hours=2):
        head = tr._("⏰ In 2 hours: «{title}», {when}.", title=event.title, when=when(tr, event))
    else:
        head = tr._("⏰ Reminder: «{title}», {when}.", title=event.title, when=when(tr, event))
    where = place(tr, geo, event)
    text = "\n".join([head, tr._("📍 {place}", place=where), tr._("🗺 {link}", link=map_link(event))])
    return Reply(
        text=text,
        choices=(
            Choice(EventPress("open", event.id).id, tr._("🧹 Open the event")),
            Choice(EventPress("cantcome", event.id).id, tr._("🙅 I can't come")),
        ),
        kind="reminder",
        template_vars={"1": event.title, "2": when(tr, event), "3": where},
    )
