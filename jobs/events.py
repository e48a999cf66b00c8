"""Reminders of cleanup events: 24 hours and 2 hours before the start, to everyone holding a place,
through the notifier (each in their own language at the chat they used last, queued in the job's
transaction), each with «I can't come» that frees the place for the waitlist.

A reminder is claimed by setting its time on the sign-up in the same transaction that queues the
message (one UPDATE ... RETURNING per kind), so running the job twice, or after a crash, sends
nothing twice. The 2-hour pass runs first and marks the 24-hour reminder too: someone whose
event starts in an hour gets one reminder, not two. Sign-ups made after a reminder's time are
marked at sign-up (storage.events.plan_reminders)."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import func, select, update

from handlers.events.buttons import EventPress
from handlers.events.texts import map_link, place, when
from handlers.i18n import Translator
from handlers.services import GEO, GeoService
from handlers.types import Choice, Reply
from jobs.base import Job, JobContext
from storage.events import Event, EventSignup, EventStatus, SignupStatus

EVERY_MINUTES = 5


async def run(job: JobContext) -> str:
    now = job.clock()
    two_hours = await remind(job, now, timedelta(hours=2), EventSignup.reminded_2h_at, also=EventSignup.reminded_24h_at)
    day = await remind(job, now, timedelta(hours=24), EventSignup.reminded_24h_at)
    job.wake_sender()
    return f"sent {day} reminders 24 h before and {two_hours} reminders 2 h before"


async def remind(job: JobContext, now: datetime, ahead: timedelta, column, also=None) -> int:
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
        build = partial(reminder, geo=job.services[GEO], events=events, ahead=ahead)
        return await job.notifier(session, now).to_users([(user, event) for user, event in claimed], build)


def reminder(tr: Translator, event_id: int, *, geo: GeoService, events: dict[int, Event], ahead: timedelta) -> Reply:
    event = events[event_id]
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


JOBS = [
    Job(
        "event_reminders",
        "remind volunteers of their cleanup events 24 hours and 2 hours before the start",
        lambda settings: IntervalTrigger(minutes=EVERY_MINUTES),
        run,
    )
]
