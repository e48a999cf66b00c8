"""«Play»: a topic (or mixed topics), then a level, then a round of five; «Play again» at the end."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.quiz import bank, rounds
from handlers.quiz.bank import LEVELS
from handlers.types import Choice
from storage.quiz import QuizRound

TOPIC_STEP = "quiz.topic"
LEVEL_STEP = "quiz.level"
MIXED = "mixed"
LEVEL_LABELS = {
    "school": N_("🎒 School level"),
    "adult": N_("🧑 Adult level"),
}


async def ask_topic(ctx: Ctx) -> None:
    language = ctx.tr.language
    choices = [Choice(f"t.{t.id}", t.title[language]) for t in bank.topics()]
    choices.append(Choice(f"t.{MIXED}", ctx._("🎲 Mixed topics")))
    ctx.ask(TOPIC_STEP, ctx._("Choose a topic:"), choices)


async def on_topic(ctx: Ctx) -> None:
    topic = (ctx.choice or "").removeprefix("t.")
    if not ctx.choice or topic not in (*[t.id for t in bank.topics()], MIXED):
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    ctx.data["topic"] = topic
    ctx.ask(
        LEVEL_STEP,
        ctx._("Choose a level:"),
        [Choice(f"l.{level}", ctx._(LEVEL_LABELS[level])) for level in LEVELS],
    )


async def on_level(ctx: Ctx) -> None:
    level = (ctx.choice or "").removeprefix("l.")
    if level not in LEVELS:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    topic = ctx.data.get("topic")
    await rounds.begin_round(ctx, topic=None if topic == MIXED else topic, level=level)


async def on_finished(ctx: Ctx) -> None:
    """«Play again»: the same topic and level as the round just finished."""
    round = await ctx.session.get(QuizRound, int(ctx.data.get("round_id", 0)))
    if ctx.choice != "again" or round is None or round.user_id != ctx.user.id:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    await rounds.begin_round(ctx, topic=round.topic, level=round.level)
