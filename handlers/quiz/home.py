"""The quiz home, what «🎓 Eco quiz» opens. Its buttons are the list below: a part of the quiz
(the daily question, clubs) adds its line here, and the screen and its step follow."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.context import Ctx, Handler
from handlers.i18n import N_
from handlers.quiz import clubs, daily, play, results
from handlers.types import Choice

STEP = "quiz.home"


@dataclass(frozen=True, slots=True)
class HomeButton:
    id: str  # a choice id of this screen, unique in the list
    label: str  # an N_() message id
    open: Handler


async def _results(ctx: Ctx) -> None:
    await results.show_results(ctx)
    await show_home(ctx)


HOME_BUTTONS: tuple[HomeButton, ...] = (
    HomeButton("play", N_("▶️ Play"), play.ask_topic),
    HomeButton("results", N_("📊 My quiz results"), _results),
    HomeButton("daily", N_("📅 Daily question"), daily.show_daily),
    HomeButton("clubs", N_("👥 Clubs"), clubs.show_clubs),
)


async def show_home(ctx: Ctx) -> None:
    ctx.ask(
        STEP,
        ctx._("🎓 Eco quiz: five questions at a time about nature and a clean Kazakhstan. What would you like to do?"),
        [Choice(b.id, ctx._(b.label)) for b in HOME_BUTTONS],
    )


async def on_home(ctx: Ctx) -> None:
    chosen = next((b for b in HOME_BUTTONS if b.id == ctx.choice), None)
    if chosen is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    await chosen.open(ctx)
