"""Club rounds: the leader starts one (a topic or mixed topics, a level, a deadline) on the form
engine; every member is told through the outbox, in their own language, with a «Play» button.
«Play» plays an ordinary round of the quiz engine (handlers/quiz/rounds.py) marked with the club
round, in the member's language. It is checked on every press: members only, once, and only
before the deadline."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

from handlers.context import Ctx
from handlers.forms import Answers, Field, Form, Question
from handlers.i18n import KZ_TZ, N_
from handlers.quiz import bank
from handlers.quiz.play import LEVEL_LABELS, MIXED
from handlers.quiz.clubs.access import led_club, member_of, open_club
from handlers.quiz.clubs.buttons import DeadlinePick, LevelPick, PlayPress, TopicPick
from handlers.quiz.clubs.club import show_club
from handlers.quiz.clubs.texts import KIND, round_title, topic_title
from handlers.quiz.rounds import ask_current, begin_round
from handlers.start import show_menu
from handlers.types import Choice, Reply
from storage.quiz import QuizClubRound, members, played_round

DEADLINE_DAYS = (1, 3, 7)
MAX_DEADLINE = timedelta(days=60)
_DATE = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{4}))?$")


async def start_round(ctx: Ctx, club_id: int) -> None:
    ctx.end_flow()
    await ROUND_FORM.advance(ctx, {"club": club_id})


async def ask_topic(ctx: Ctx, data: Answers) -> Question:
    choices = [Choice(TopicPick(MIXED).id, topic_title(ctx.tr, None))]
    choices += [Choice(TopicPick(t.id).id, topic_title(ctx.tr, t.id)) for t in bank.topics()]
    return Question(ctx._("📚 Which topic is the club round on?"), choices)


async def parse_topic(ctx: Ctx, data: Answers) -> Answers | str:
    pick = TopicPick.parse(ctx.choice)
    if pick is None or (pick.topic != MIXED and pick.topic not in {t.id for t in bank.topics()}):
        return ctx._("Please choose one of the topics below.")
    return {"topic": pick.topic}


async def ask_level(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("Choose a level:"), [Choice(LevelPick(level).id, ctx._(label)) for level, label in LEVEL_LABELS.items()])  # type: ignore[arg-type]


async def parse_level(ctx: Ctx, data: Answers) -> Answers | str:
    pick = LevelPick.parse(ctx.choice)
    return {"level": pick.level} if pick else ctx._("Please choose one of the levels below.")


async def ask_deadline(ctx: Ctx, data: Answers) -> Question:
    labels = {1: ctx._("1 day"), 3: ctx._("3 days"), 7: ctx._("1 week")}
    return Question(
        ctx._("⏳ Until when can members play? Choose, or send a date such as {example} (the round closes at the end of that day, Kazakhstan time).", example=example(ctx)),
        [Choice(DeadlinePick(days).id, labels[days]) for days in DEADLINE_DAYS],
    )


def example(ctx: Ctx) -> str:
    return (ctx.now + timedelta(days=5)).astimezone(KZ_TZ).strftime("%d.%m.%Y")


def end_of_day(text: str, now: datetime) -> datetime | None:
    """"25.06.2026" or "25.06" (this year): 23:59 of that day in Kazakhstan."""
    match = _DATE.match(" ".join(text.split()))
    if not match:
        return None
    year = int(match[3]) if match[3] else now.astimezone(KZ_TZ).year
    try:
        day = datetime(year, int(match[2]), int(match[1]), tzinfo=KZ_TZ).date()
    except ValueError:
        return None
    return datetime.combine(day, time(23, 59), tzinfo=KZ_TZ)


async def parse_deadline(ctx: Ctx, data: Answers) -> Answers | str:
    pick = DeadlinePick.parse(ctx.choice)
    if pick is not None and pick.days in DEADLINE_DAYS:
        deadline = ctx.now + timedelta(days=pick.days)
    else:
        deadline = end_of_day(ctx.text, ctx.now)
        if deadline is None:
            return ctx._("I could not read this date. Please send it like {example}, or choose below.", example=example(ctx))
        if deadline <= ctx.now:
            return ctx._("This date is in the past. Please send a date in the future.")
        if deadline - ctx.now > MAX_DEADLINE:
            return ctx._("A club round may stay open at most {days} days.", days=MAX_DEADLINE.days)
    return {"deadline": deadline.isoformat()}


def preview(data: Answers) -> QuizClubRound:
    return QuizClubRound(
        club_id=data["club"],
        topic=None if data["topic"] == MIXED else data["topic"],
        level=data["level"],
        deadline=datetime.fromisoformat(data["deadline"]),
    )


async def summary(ctx: Ctx, data: Answers) -> Question:
    return Question(ctx._("Start this club round? Every member is told at once.\n{round}", round=round_title(ctx.tr, preview(data))))


async def start(ctx: Ctx, data: Answers) -> bool:
    club = await led_club(ctx, data["club"])
    if club is None:  # closed meanwhile, or not theirs: said so; the draft goes
        await show_menu(ctx)
        return True
    club_round = preview(data)
    if club_round.deadline <= ctx.now:
        ctx.reprompt(ctx._("This date is in the past. Please send a date in the future."))
        return False
    club_round.started_by, club_round.created_at = ctx.user.id, ctx.now
    ctx.session.add(club_round)
    await ctx.session.flush()
    recipients = [(m.user_id, club_round.id) for m in await members(ctx.session, club.id)]
    name = club.name
    told = await ctx.notifier.to_users(
        recipients,
        lambda tr, round_id: Reply(
            text=tr._("🎓 A new round in the club «{name}»: {round}. Play it before the deadline!", name=name, round=round_title(tr, club_round)),
            choices=(Choice(PlayPress(round_id).id, tr._("▶️ Play the club round")),),
            kind=KIND,
        ),
    )
    await show_club(ctx, club, ctx.ngettext("✅ The club round is started; {n} member was told.", "✅ The club round is started; {n} members were told.", told))
    return True


TOPIC = Field("topic", ask_topic, parse_topic, edit_label=N_("📚 Topic"))
LEVEL = Field("level", ask_level, parse_level, edit_label=N_("🎓 Level"))
DEADLINE = Field("deadline", ask_deadline, parse_deadline, edit_label=N_("⏳ Deadline"))

ROUND_FORM = Form(
    "quizclubround",
    (TOPIC, LEVEL, DEADLINE),
    summary=summary,
    submit=start,
    confirm_label=N_("▶️ Start the club round"),
    discarded=N_("The club round is not started."),
)


async def on_play(ctx: Ctx) -> None:
    """«Play» of a club round's notice, or of the club's card."""
    press: PlayPress = ctx.button
    club_round = await ctx.session.get(QuizClubRound, press.round_id)
    if club_round is None:
        ctx.reply(ctx._("This club round does not exist."))
        return
    club = await open_club(ctx, club_round.club_id)
    if club is None:
        return
    member = await member_of(ctx, club)
    if member is None:
        return
    await ctx.session.refresh(member, with_for_update=True)  # two presses at once: one round
    if not club_round.is_open(ctx.now):
        ctx.reply(ctx._("This club round is closed: its deadline was {deadline}.", deadline=ctx.tr.datetime(club_round.deadline)))
        return
    played = await played_round(ctx.session, club_round.id, ctx.user.id)
    if played is None:
        await begin_round(ctx, topic=club_round.topic, level=club_round.level, kind="club", club_round_id=club_round.id)
    elif played.finished_at is None:
        ask_current(ctx, played, ctx._("You have already started this club round: here is its question again."))
    else:
        ctx.reply(ctx._("You have already played this club round: {score} of {total}.", score=played.score, total=played.size))
