"""How an event is written for a reader: its time in Kazakhstan in the reader's language, its
place, the distance to it, and the card that shows it all."""

from __future__ import annotations

from babel.dates import format_skeleton, format_time
from babel.numbers import format_decimal

from handlers.i18n import KZ_TZ, Translator
from handlers.places import area_name
from handlers.services import GeoService
from storage.events import Event, EventSignup, SignupStatus

TITLE_IN_BUTTON = 32


def when(tr: Translator, event: Event) -> str:
    """"Sat, Jun 6, 2026 10:00 AM – 1:00 PM" (the end's date too when it is another day)."""
    start, end = event.starts_at.astimezone(KZ_TZ), event.ends_at.astimezone(KZ_TZ)
    day = format_skeleton("yMMMEd", start, locale=tr.language)
    start_time = format_time(start, "short", locale=tr.language)
    end_time = format_time(end, "short", locale=tr.language)
    if start.date() == end.date():
        return f"{day} {start_time}–{end_time}"
    return f"{day} {start_time} – {format_skeleton('yMMMEd', end, locale=tr.language)} {end_time}"


def short_date(tr: Translator, event: Event) -> str:
    start = event.starts_at.astimezone(KZ_TZ)
    return f"{format_skeleton('MMMd', start, locale=tr.language)} {format_time(start, 'short', locale=tr.language)}"


def distance(tr: Translator, metres: float) -> str:
    if metres < 1000:
        return tr._("{n} m", n=format_decimal(round(metres), locale=tr.language))
    return tr._("{km} km", km=format_decimal(round(metres / 1000, 1), format="#,##0.0", locale=tr.language))


def place(tr: Translator, geo: GeoService, event: Event) -> str:
    return area_name(geo, tr.language, event.region_code, event.district_pcode)


def map_link(event: Event) -> str:
    lat, lon = f"{event.latitude:.6f}", f"{event.longitude:.6f}"
    return f"https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}"


def button_title(event: Event) -> str:
    title = event.title
    return title if len(title) <= TITLE_IN_BUTTON else title[: TITLE_IN_BUTTON - 1] + "…"


def places_line(tr: Translator, event: Event, waiting: int) -> str:
    if event.places_left:
        return tr._("👥 Places left: {left} of {capacity}", left=event.places_left, capacity=event.capacity)
    return tr.ngettext(
        "👥 No places left; {n} person on the waitlist",
        "👥 No places left; {n} people on the waitlist",
        waiting,
    )


def card_text(
    tr: Translator,
    geo: GeoService,
    event: Event,
    *,
    organiser: str | None,
    waiting: int,
    signup: EventSignup | None,
    position: int | None = None,
) -> str:
    lines = [f"🧹 {event.title}"]
    if event.is_cancelled:
        lines.append(tr._("✖️ This cleanup event has been cancelled."))
    lines += [
        event.description,
        "",
        tr._("🕒 {when}", when=when(tr, event)),
        tr._("📍 {place}", place=place(tr, geo, event)),
        tr._("🗺 {link}", link=map_link(event)),
    ]
    if event.bring:
        lines.append(tr._("🧰 Bring: {what}", what=event.bring))
    lines.append(tr._("🙋 Organiser: {name}", name=organiser or "—"))
    if not event.is_cancelled:
        lines.append(places_line(tr, event, waiting))
    if signup is not None and signup.status == SignupStatus.GOING:
        lines.append(tr._("✅ You are signed up."))
        if signup.checked_in_at:
            lines.append(tr._("📍 Your attendance is checked in."))
    elif signup is not None and signup.status == SignupStatus.WAITING and position:
        lines.append(tr._("⏳ You are number {n} on the waitlist.", n=position))
    return "\n".join(lines)
