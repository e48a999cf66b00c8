"""«Log a planting»: a form (handlers.forms) that asks the species, the number of trees, the place
(a shared location, or a photo sent as a file whose EXIF holds one), the date (today, yesterday or
typed; not in the future, not more than a year back), the cleanup event it was made at (asked only
when the person went to one that day or the day before), an optional photo and an optional note,
then shows a summary. Confirming saves one planting; the engine drops the draft in the same transaction,
so a second press saves nothing."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Annotated, Literal

from handlers.buttons import MaxLen, button
from handlers.context import Ctx, normalise_label
from handlers.forms import SKIP, Answers, Field, Form, Question, optional_text
from handlers.i18n import KZ_TZ, N_
from handlers.photo_input import take_photo
from handlers.places import place_name
from handlers.services import GEO, GeoService
from handlers.trees.my_trees import show_card
from handlers.types import Choice, Kind
from storage.trees import (
    MAX_TREES,
    NOTE_LENGTH,
    OTHER,
    SPECIES,
    SPECIES_BY_CODE,
    SPECIES_NAME_LENGTH,
    CaptureSource,
    TreeCapture,
    TreePlanting,
    events_planted_at,
    species_name,
)

MAX_DAYS_BACK = 365
# A species typed for «Other»: letters of any script, spaces, hyphens, apostrophes, dots, brackets.
_SPECIES_TEXT = re.compile(r"^[^\W\d_](?:[^\W\d_]|[ \-'’.()])*$")


@button("species")
@dataclass(frozen=True)
class SpeciesPick:
    code: Annotated[str, MaxLen(16)]


@button("plantday")
@dataclass(frozen=True)
class DayPick:
    day: Literal["today", "yesterday"]


@button("plantevent")
@dataclass(frozen=True)
class EventPick:
    """The cleanup event a planting was made at; 0: not at one."""

    event_id: int


NO_EVENT = EventPick(0)


def _today(ctx: Ctx) -> date:
    return ctx.now.astimezone(KZ_TZ).date()


# --- species --------------------------------------------------------------------------------------
async def ask_species(ctx: Ctx, data: Answers) -> Question:
    language = ctx.tr.language
    choices = [Choice(SpeciesPick(s.code).id, s.name(language)) for s in SPECIES]
    choices.append(Choice(SpeciesPick(OTHER).id, ctx._("Other species")))
    return Question(ctx._("🌳 Which trees did you plant? Choose the species."), choices)


async def parse_species(ctx: Ctx, data: Answers) -> Answers | str:
    pick = SpeciesPick.parse(ctx.choice)
    if pick is not None and (pick.code in SPECIES_BY_CODE or pick.code == OTHER):
        return {"species": pick.code}
    typed = normalise_label(ctx.text)
    for species in SPECIES:  # a species typed by its name in any of the three languages
        if typed and typed in {normalise_label(species.name(lang)) for lang in ("kk", "ru", "en")}:
            return {"species": species.code}
    return ctx._("Please choose the species from the list, or «Other species».")


async def ask_species_name(ctx: Ctx, data: Answers) -> Question | Answers:
    if data.get("species") != OTHER:
        return {}  # nothing to ask («Back» passes over this question)
    return Question(
        ctx._("Type the name of the species (up to {max} characters), for example: rowan.", max=SPECIES_NAME_LENGTH)
    )


async def parse_species_name(ctx: Ctx, data: Answers) -> Answers | str:
    name = " ".join(ctx.text.split())
    if ctx.incoming.kind is not Kind.TEXT or not name:
        return ctx._("Please type the name of the species.")
    if len(name) > SPECIES_NAME_LENGTH:
        return ctx._("That is too long for a species name: at most {max} characters.", max=SPECIES_NAME_LENGTH)
    if not _SPECIES_TEXT.match(name):
        return ctx._("A species name may have only letters, spaces and hyphens. Please type it again.")
    return {"species_name": name}


# --- number of trees ----------------------------------------------------------------------------
async def ask_count(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("How many trees did you plant? Type the number."), number_answer=True)


async def parse_count(ctx: Ctx, data: Answers) -> Answers | str:
    text = ctx.text.replace(" ", "").replace("\u00a0", "")
    if not re.fullmatch(r"[+-]?\d+", text):
        return ctx._("Please type the number of trees in digits, for example 5.")
    count = int(text)
    if count < 1:
        return ctx._("The number of trees must be at least 1.")
    if count > MAX_TREES:
        return ctx._(
            "At most {max} trees can be logged at once. For a larger planting, log it in parts.",
            max=ctx.tr.number(MAX_TREES),
        )
    return {"count": count}


# --- place ----------------------------------------------------------------------------------------
async def ask_place(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._(
            "📍 Where did you plant them? Share the location: the 📎 (attach) button, then "
            "«Location». Or send a photo of the trees as a file: I will take the place from it."
        )
    )


async def parse_place(ctx: Ctx, data: Answers) -> Answers | str:
    if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
        loc = ctx.incoming.location
        return _place(ctx, loc.latitude, loc.longitude, "shared")
    if ctx.incoming.kind is Kind.PHOTO:
        photo = await take_photo(ctx)
        if isinstance(photo, str):
            return photo
        if not photo.get("gps"):
            return ctx._(
                "This photo has no location in it (messengers remove it unless the photo is sent as "
                "a file). Please share the location instead."
            )
        lat, lon = photo["gps"]
        place = _place(ctx, lat, lon, "photo")
        return {**place, "photo": photo} if isinstance(place, dict) else place
    return ctx._("Please share the location where you planted the trees.")


def _place(ctx: Ctx, lat: float, lon: float, source: str) -> Answers | str:
    geo: GeoService = ctx.service(GEO)
    found = geo.locate(lat, lon)
    if found is None:
        return ctx._(
            "This location is outside Kazakhstan. I log trees planted in Kazakhstan: please check "
            "the point and share it again."
        )
    return {
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "region": found.region.code,
        "district": found.district.pcode if found.district else None,
        "source": source,
    }


# --- date -----------------------------------------------------------------------------------------
async def ask_day(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._("📅 When did you plant them? Choose, or type the date as DD.MM.YYYY."),
        [
            Choice(DayPick("today").id, ctx._("Today")),
            Choice(DayPick("yesterday").id, ctx._("Yesterday")),
        ],
    )


async def parse_day(ctx: Ctx, data: Answers) -> Answers | str:
    today = _today(ctx)
    pick = DayPick.parse(ctx.choice)
    if pick is not None:
        day = today if pick.day == "today" else today - timedelta(days=1)
        return {"planted_on": day.isoformat()}
    day = _typed_date(ctx.text)
    if day is None:
        return ctx._("I could not read this date. Please type it as DD.MM.YYYY, for example 05.04.2026.")
    if day > today:
        return ctx._("That date is in the future. Please type the day you planted the trees.")
    if day < today - timedelta(days=MAX_DAYS_BACK):
        return ctx._("I log plantings of the last 12 months only. Please type a later date.")
    return {"planted_on": day.isoformat()}


def _typed_date(text: str) -> date | None:
    """05.04.2026, 5/4/2026, 5-4-2026 or 2026-04-05."""
    text = text.strip()
    iso = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    dmy = re.fullmatch(r"(\d{1,2})[./-](\d{1,2})[./-](\d{4})", text)
    try:
        if iso:
            return date(int(iso[1]), int(iso[2]), int(iso[3]))
        if dmy:
            return date(int(dmy[3]), int(dmy[2]), int(dmy[1]))
    except ValueError:
        return None
    return None


# --- the cleanup event ----------------------------------------------------------------------------
async def _events_of(ctx: Ctx, data: Answers) -> list:
    """Events the person went to on the planting day or the day before."""
    day = date.fromisoformat(data["planted_on"])
    start = datetime.combine(day - timedelta(days=1), time(0), tzinfo=KZ_TZ)
    return await events_planted_at(ctx.session, ctx.user.id, start, start + timedelta(days=2))


async def ask_event(ctx: Ctx, data: Answers) -> Question | Answers:
    events = await _events_of(ctx, data)
    if not events:
        return {"event_id": None}  # nothing to ask: the person went to no event around that day
    choices = [
        Choice(EventPick(e.id).id, f"{e.title} · {ctx.tr.day(e.starts_at.astimezone(KZ_TZ).date())}") for e in events
    ]
    choices.append(Choice(NO_EVENT.id, ctx._("🚫 Not at a cleanup event")))
    return Question(ctx._("🧹 Did you plant the trees at a cleanup event? Choose it."), choices)


async def parse_event(ctx: Ctx, data: Answers) -> Answers | str:
    pick = EventPick.parse(ctx.choice)
    if pick == NO_EVENT:
        return {"event_id": None, "event_title": None}
    event = next((e for e in await _events_of(ctx, data) if pick and e.id == pick.event_id), None)
    if event is None:
        return ctx._("Please choose one of the cleanup events below, or «Not at a cleanup event».")
    return {"event_id": event.id, "event_title": event.title}


# --- photo and note -------------------------------------------------------------------------------
async def ask_photo(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._("📸 Send a photo of the trees you planted, or press «Skip»."),
        [Choice(SKIP.id, ctx._("⏭ Skip"))],
    )


async def parse_photo(ctx: Ctx, data: Answers) -> Answers | str:
    if ctx.choice == SKIP.id:
        return {"photo": None}
    if ctx.incoming.kind is not Kind.PHOTO:
        return ctx._("Please send a photo, or press «Skip».")
    photo = await take_photo(ctx)
    return photo if isinstance(photo, str) else {"photo": photo}


async def ask_note(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._(
            "💬 Add a note if you like (who planted with you, how you water them), up to {max} "
            "characters, or press «Skip».",
            max=NOTE_LENGTH,
        ),
        [Choice(SKIP.id, ctx._("⏭ Skip"))],
    )


# --- summary and saving ---------------------------------------------------------------------------
async def summary(ctx: Ctx, data: Answers) -> Question:
    tr = ctx.tr
    lines = [
        ctx._("Please check your planting:"),
        "🌳 " + species_name(data["species"], data.get("species_name"), tr.language) + f" × {data['count']}",
        "📍 " + place_name(ctx, data["region"], data.get("district")),
        "📅 " + tr.day(date.fromisoformat(data["planted_on"])),
    ]
    if data.get("event_title"):
        lines.append(ctx._("🧹 At the cleanup event «{title}»", title=data["event_title"]))
    if data.get("note"):
        lines.append("💬 " + data["note"])
    photo = data.get("photo")
    return Question("\n".join(lines), photo_path=photo["path"] if photo else None)


async def save(ctx: Ctx, data: Answers) -> bool:
    planting = TreePlanting(
        owner_id=ctx.user.id,
        species=data["species"],
        species_name=data.get("species_name") if data["species"] == OTHER else None,
        count=data["count"],
        planted_on=date.fromisoformat(data["planted_on"]),
        region_code=data["region"],
        district_pcode=data.get("district"),
        latitude=data["lat"],
        longitude=data["lon"],
        location_source=data["source"],
        note=data.get("note"),
        event_id=data.get("event_id"),
        created_at=ctx.now,
        captures=[],
    )
    photo = data.get("photo")
    if photo:
        planting.captures.append(
            TreeCapture(
                captured_at=ctx.now,
                source=CaptureSource.PLANTING,
                alive=data["count"],
                photo_path=photo["path"],
                thumb_path=photo["thumb_path"],
                sha256=photo["sha256"],
                added_by_id=ctx.user.id,
            )
        )
    ctx.session.add(planting)
    await ctx.session.flush()
    await show_card(
        ctx,
        planting,
        ctx._("🌳 Saved, thank you! In 6 and 12 months I will ask how many of the trees are alive."),
    )
    return True


def _other_species(data: Answers) -> bool:
    return data.get("species") == OTHER and "species_name" not in data


PLANTING = Form(
    "planting",
    (
        Field("species", ask_species, parse_species, edit_label=N_("✏️ Species")),
        Field("species_name", ask_species_name, parse_species_name, missing=_other_species, depends_on=("species",)),
        Field("count", ask_count, parse_count, edit_label=N_("✏️ Number of trees")),
        Field("place", ask_place, parse_place, keys=("region", "lat", "lon", "district", "source"), edit_label=N_("✏️ Place")),
        Field("day", ask_day, parse_day, keys=("planted_on",), edit_label=N_("✏️ Date")),
        Field("event", ask_event, parse_event, keys=("event_id", "event_title"), depends_on=("day",)),
        Field("photo", ask_photo, parse_photo, edit_label=N_("✏️ Photo")),
        Field(
            "note",
            ask_note,
            optional_text(
                "note",
                NOTE_LENGTH,
                N_("Please type a note, or press «Skip»."),
                N_("The note is too long: at most {max} characters, please shorten it."),
            ),
            edit_label=N_("✏️ Note"),
        ),
    ),
    summary=summary,
    submit=save,
    confirm_label=N_("✅ Save the planting"),
    discarded=N_("The planting is not saved."),
    max_age=timedelta(days=7),
)
