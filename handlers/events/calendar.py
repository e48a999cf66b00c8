"""The calendar file sent on sign-up: one VEVENT made with the icalendar library, its times in
Kazakhstan's zone (with the zone's definition, so calendars without tz data read it right), the
meeting point as LOCATION and GEO, and an alarm 2 hours before."""

from __future__ import annotations

from datetime import datetime, timedelta

from icalendar import Alarm, Calendar
from icalendar import Event as CalendarEvent

from handlers.i18n import KZ_TZ, Translator
from handlers.events.texts import map_link, place
from handlers.services import GeoService
from handlers.types import Document
from storage.events import Event

PRODID = "-//Taza Bot//Taza Qazaqstan cleanup events//EN"
UID_DOMAIN = "taza-bot.kz"


def event_uid(event: Event) -> str:
    return f"event-{event.id}@{UID_DOMAIN}"


def calendar_file(tr: Translator, geo: GeoService, event: Event, now: datetime) -> Document:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    entry = CalendarEvent()
    entry.add("uid", event_uid(event))
    entry.add("dtstamp", now)
    entry.add("dtstart", event.starts_at.astimezone(KZ_TZ))
    entry.add("dtend", event.ends_at.astimezone(KZ_TZ))
    entry.add("summary", event.title)
    entry.add("description", f"{event.description}\n\n{map_link(event)}")
    entry.add("location", f"{place(tr, geo, event)} ({event.latitude:.6f}, {event.longitude:.6f})")
    entry.add("geo", (event.latitude, event.longitude))
    entry.add("url", map_link(event))
    entry.add("sequence", int(event.updated_at.timestamp()))  # a changed time replaces the old entry
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", event.title)
    alarm.add("trigger", timedelta(hours=-2))
    entry.add_component(alarm)
    calendar.add_component(entry)
    calendar.add_missing_timezones()
    return Document(f"cleanup-event-{event.id}.ics", calendar.to_ical(), "text/calendar")
