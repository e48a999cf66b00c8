"""Creating a club on the form engine (handlers/forms.py): its name, the school or university, the
region; then the summary with «Edit», and «Create». Anyone may lead a club (a teacher, a student
who runs an eco-squad); the leader gets the join code and the links to share. Names are kept as
typed: replies are plain text, so markup in a name is shown, never applied."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from handlers.context import Ctx
from handlers.events.buttons import RegionPick
from handlers.forms import Answers, Field, Form, Question
from handlers.i18n import N_
from handlers.places import place_name
from handlers.quiz.clubs.club import show_code
from handlers.services import GEO
from handlers.types import Choice, Kind
from storage import quiz as store
from storage.quiz import CLUB_NAME_MAX, CODE_LIFETIME, INSTITUTION_MAX, MAX_CLUBS_LED, QuizClub

TOO_MANY = N_("You already lead {max} clubs: close one before creating another.")


async def start_create(ctx: Ctx) -> None:
    if await clubs_led(ctx) >= MAX_CLUBS_LED:
        ctx.reply(ctx._(TOO_MANY, max=MAX_CLUBS_LED))
        return
    ctx.end_flow()
    await CLUB_FORM.open(ctx)


async def clubs_led(ctx: Ctx) -> int:
    query = select(func.count()).where(QuizClub.leader_id == ctx.user.id, QuizClub.closed_at.is_(None))
    return int(await ctx.session.scalar(query) or 0)


def typed_text(ctx: Ctx, key: str, limit: int) -> Answers | str:
    """One line of text up to `limit` characters, spaces tidied, kept as typed otherwise."""
    if ctx.incoming.kind is not Kind.TEXT or not ctx.text:
        return ctx._("Please send it as text.")
    text = " ".join(ctx.text.split())
    if len(text) > limit:
        return ctx._("This is too long: at most {limit} characters.", limit=limit)
    if len(text) < 2:
        return ctx._("This is too short: at least 2 characters.")
    return {key: text}


async def ask_name(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("👥 What is the club called? (up to {limit} characters)", limit=CLUB_NAME_MAX))


async def ask_institution(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("🏫 Which school or university is it at? (up to {limit} characters)", limit=INSTITUTION_MAX))


async def ask_region(ctx: Ctx, data: Answers) -> Question:
    regions = ctx.service(GEO).region_list(ctx.tr.language)
    choices = [Choice(RegionPick(r.code).id, r.name(ctx.tr.language)) for r in regions]
    return Question(ctx._("🗺 In which region (or city) is it?"), choices)


async def parse_region(ctx: Ctx, data: Answers) -> Answers | str:
    pick = RegionPick.parse(ctx.choice)
    if pick is None or pick.code not in ctx.service(GEO).regions:
        return ctx._("Please choose one of the regions below.")
    return {"region": pick.code}


async def parse_name(ctx: Ctx, data: Answers) -> Answers | str:
    return typed_text(ctx, "name", CLUB_NAME_MAX)


async def parse_institution(ctx: Ctx, data: Answers) -> Answers | str:
    return typed_text(ctx, "institution", INSTITUTION_MAX)


async def summary(ctx: Ctx, data: Answers) -> Question:
    lines = [
        ctx._("Check the club before creating it:"),
        ctx._("👥 Club «{name}»", name=data["name"]),
        ctx._("🏫 {institution}, {region}", institution=data["institution"], region=place_name(ctx, data["region"], None)),
    ]
    return Question("\n".join(lines))


async def create(ctx: Ctx, data: Answers) -> bool:
    if await clubs_led(ctx) >= MAX_CLUBS_LED:
        ctx.reply(ctx._(TOO_MANY, max=MAX_CLUBS_LED))
        return True
    club = QuizClub(
        name=data["name"],
        institution=data["institution"],
        region_code=data["region"],
        leader_id=ctx.user.id,
        join_code=await store.free_join_code(ctx.session),
        code_expires_at=ctx.now + CODE_LIFETIME,
        created_at=ctx.now,
    )
    ctx.session.add(club)
    await ctx.session.flush()
    await show_code(ctx, club, ctx._("✅ The club «{name}» is created.", name=club.name))
    return True


def resume_question(ctx: Ctx, data: Answers) -> str | None:
    return ctx._("You have begun creating a club. Continue it?") if data.get("name") else None


NAME = Field("name", ask_name, parse_name, edit_label=N_("✏️ Name"))
INSTITUTION = Field("institution", ask_institution, parse_institution, edit_label=N_("🏫 School or university"))
REGION = Field("region", ask_region, parse_region, edit_label=N_("🗺 Region"))

CLUB_FORM = Form(
    "quizclub",
    (NAME, INSTITUTION, REGION),
    summary=summary,
    submit=create,
    confirm_label=N_("✅ Create the club"),
    discarded=N_("The club is discarded."),
    resume_question=resume_question,
    max_age=timedelta(days=7),
)
