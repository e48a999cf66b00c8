"""The questions of an event (fields of the form engine, handlers/forms.py) and how their answers
are read, shared by creating and editing an event. A parser returns the values it read (JSON, into
the draft) or a translated hint saying what is wrong; nothing is stored from a wrong answer. Times
are typed in Kazakhstan time."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.context import Ctx
from handlers.events.access import may_organise_in, organiser_regions
from handlers.forms import SKIP, Answers, Field, FormPress, Question
from handlers.i18n import KZ_TZ, N_
from handlers.moderation.admin import region_label
from handlers.services import GEO
from handlers.types import Choice, Kind
from storage.events import MAX_CAPACITY, MAX_DURATION, NATIONAL
from storage.reports import OPEN_STATUSES, Report, parse_report_code

TITLE_MAX, DESCRIPTION_MAX, BRING_MAX = 100, 1000, 500
MAX_REPORTS = 10
_MARKUP = re.compile(r"<[^>]*>|\*\*|__|```|`[^`]+`|\[[^\]]*\]\([^)]*\)")
_DAY_FIRST = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?[ ,T]+(\d{1,2})[:.](\d{2})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})[ T]+(\d{1,2})[:.](\d{2})$")
_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")


# --- title, description, what to bring -------------------------------------------------------------
def plain_text(ctx: Ctx, limit: int) -> str | None:
    """A translated hint when the text is empty, too long or has markup; None when it is fine."""
    text = ctx.text
    if ctx.incoming.kind is not Kind.TEXT or not text:
        return ctx._("Please send it as text.")
    if len(text) > limit:
        return ctx._("This is too long: at most {limit} characters.", limit=limit)
    if _MARKUP.search(text):
        return ctx._("Please write it as plain text, without markup (no <tags>, ** or links in brackets).")
    return None


async def ask_title(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("🧹 What is the cleanup event called? (up to {limit} characters)", limit=TITLE_MAX))


async def parse_title(ctx: Ctx, data: Answers) -> Answers | str:
    problem = plain_text(ctx, TITLE_MAX)
    if problem:
        return problem
    if len(ctx.text) < 3:
        return ctx._("The title is too short: at least 3 characters.")
    return {"title": " ".join(ctx.text.split())}


async def ask_description(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("📝 Describe the event: what will be cleaned and how (up to {limit} characters).", limit=DESCRIPTION_MAX))


async def parse_description(ctx: Ctx, data: Answers) -> Answers | str:
    return plain_text(ctx, DESCRIPTION_MAX) or {"description": ctx.text}


async def ask_bring(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._("🧰 What should volunteers bring (gloves, bags, water...)? Send it, or skip."),
        (Choice(SKIP.id, ctx._("⏭ Skip")),),
    )


async def parse_bring(ctx: Ctx, data: Answers) -> Answers | str:
    if FormPress.parse(ctx.choice) == SKIP:
        return {"bring": None}
    return plain_text(ctx, BRING_MAX) or {"bring": ctx.text}


# --- the meeting point ---------------------------------------------------------------------------
async def ask_place(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("📍 Share the meeting point (📎, then «Location»; move the pin onto the place)."))


async def parse_place(ctx: Ctx, data: Answers) -> Answers | str:
    location = ctx.incoming.location
    if ctx.incoming.kind is not Kind.LOCATION or location is None:
        return ctx._("Please share the meeting point as a location.")
    found = ctx.service(GEO).locate(location.latitude, location.longitude)
    if found is None:
        return ctx._("This meeting point is outside Kazakhstan. Please share a point in Kazakhstan.")
    region = found.region.code
    if not await may_organise_in(ctx, region):
        allowed = sorted(await organiser_regions(ctx))
        names = ", ".join(region_label(ctx, code) for code in allowed if code != NATIONAL)
        return ctx._("You may organise cleanup events only in: {regions}.", regions=names or "—")
    return {
        "lat": round(location.latitude, 6),
        "lon": round(location.longitude, 6),
        "region": region,
        "district": found.district.pcode if found.district else None,
    }


# --- start and end ----------------------------------------------------------------------------------
def parse_moment(text: str, now: datetime) -> datetime | None:
    """"06.06.2026 10:00", "6.6 10:00" (this year) or "2026-06-06 10:00", in Kazakhstan time."""
    text = " ".join(text.split())
    if match := _ISO.match(text):
        year, month, day, hour, minute = (int(g) for g in match.groups())
    elif match := _DAY_FIRST.match(text):
        day, month, hour, minute = (int(match[i]) for i in (1, 2, 4, 5))
        year = int(match[3]) if match[3] else now.astimezone(KZ_TZ).year
    else:
        return None
    try:
        return datetime(year, month, day, hour, minute, tzinfo=KZ_TZ)
    except ValueError:
        return None


async def ask_start(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._("🕒 When does it start? Send the date and time in Kazakhstan time, for example {example}.", example=example(ctx))
    )


def example(ctx: Ctx) -> str:
    return (ctx.now + timedelta(days=7)).astimezone(KZ_TZ).strftime("%d.%m.%Y 10:00")


async def parse_start(ctx: Ctx, data: Answers) -> Answers | str:
    start = parse_moment(ctx.text, ctx.now)
    if start is None:
        return ctx._("I could not read this date and time. Please send it like {example}.", example=example(ctx))
    if start <= ctx.now:
        return ctx._("This time is in the past. Please send a time in the future.")
    return {"start": start.isoformat()}


async def ask_end(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("🕔 When does it end? Send the time (for example 13:00), or the date and time if it ends on another day."))


async def parse_end(ctx: Ctx, data: Answers) -> Answers | str:
    start = datetime.fromisoformat(data["start"])
    text = " ".join(ctx.text.split())
    if match := _TIME.match(text):
        try:
            end = start.astimezone(KZ_TZ).replace(hour=int(match[1]), minute=int(match[2]))
        except ValueError:
            end = None
    else:
        end = parse_moment(text, ctx.now)
    if end is None:
        return ctx._("I could not read this time. Please send it like 13:00 or {example}.", example=example(ctx))
    if end <= start:
        return ctx._("The end must be after the start ({start}).", start=ctx.tr.datetime(start))
    if end - start > MAX_DURATION:
        return ctx._("A cleanup event may last at most 24 hours. Please send an earlier end.")
    return {"end": end.isoformat()}


# --- places -------------------------------------------------------------------------------------
async def ask_capacity(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._("👥 How many volunteers can take part? Send a number from 1 to {max}.", max=ctx.tr.number(MAX_CAPACITY)),
        number_answer=True,
    )


async def parse_capacity(ctx: Ctx, data: Answers) -> Answers | str:
    text = ctx.text.replace(" ", "")
    value = int(text) if re.fullmatch(r"[+-]?\d{1,9}", text) else None
    if value is None or not 1 <= value <= MAX_CAPACITY:
        return ctx._(
            "The number of places must be a whole number from 1 to {max}.", max=ctx.tr.number(MAX_CAPACITY)
        )
    return {"capacity": value}


# --- dump reports it will clean -------------------------------------------------------------------
async def ask_reports(ctx: Ctx, data: Answers) -> Question:
    return Question(
        ctx._(
            "🗑 Which dump reports will the event clean? Send their codes separated by commas (for example "
            "TZ-000123, TZ-000124), or skip. Only open reports of the event's region can be linked."
        ),
        (Choice(SKIP.id, ctx._("⏭ Skip")),),
    )


async def parse_reports(ctx: Ctx, data: Answers) -> Answers | str:
    if FormPress.parse(ctx.choice) == SKIP:
        return {"reports": []}
    codes = [part for part in re.split(r"[\s,;]+", ctx.text) if part]
    if not codes:
        return ctx._("Please send report codes such as TZ-000123, or skip.")
    if len(codes) > MAX_REPORTS:
        return ctx._("At most {max} reports can be linked to one event.", max=MAX_REPORTS)
    ids = []
    for code in codes:
        report_id = parse_report_code(code)
        report = await ctx.session.scalar(select(Report).where(Report.id == report_id)) if report_id else None
        if report is None:
            return ctx._("There is no report {code}.", code=code)
        if report.status not in OPEN_STATUSES:
            return ctx._("Report {code} is not open: only open reports can be linked.", code=report.code)
        if report.region_code != data.get("region"):
            return ctx._("Report {code} is in another region than the event.", code=report.code)
        if report.id not in ids:
            ids.append(report.id)
    return {"reports": ids}


TITLE = Field("title", ask_title, parse_title, edit_label=N_("✏️ Title"))
DESCRIPTION = Field("description", ask_description, parse_description, edit_label=N_("✏️ Description"))
PLACE = Field("place", ask_place, parse_place, keys=("lat", "lon", "region", "district"), edit_label=N_("📍 Meeting point"))
START = Field("start", ask_start, parse_start, edit_label=N_("🕒 Start"))
END = Field("end", ask_end, parse_end, edit_label=N_("🕔 End"), depends_on=("start",))
CAPACITY = Field("capacity", ask_capacity, parse_capacity, edit_label=N_("👥 Places"))
BRING = Field("bring", ask_bring, parse_bring, edit_label=N_("🧰 What to bring"))
REPORTS = Field("reports", ask_reports, parse_reports, edit_label=N_("🗑 Linked reports"), depends_on=("place",))
