"""Eco-education quizzes (issue 10): a trilingual question bank (`bank.py`, `questions/*.yaml`),
rounds of questions shown as native quiz polls on Telegram and numbered lists elsewhere
(`rounds.py`, the API other parts of the quiz build on), the quiz home, the finish screen, and a
person's record (scores, daily streak, best topic) in «My quiz results» and the profile.

This module wires them: the menu entry, the answer action, the steps, the profile lines and what
the quiz adds to /mydata and /forget."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.quiz import clubs, daily, finish, home, play, results, rounds
from handlers.quiz.buttons import QuizPick
from handlers.router import Router


async def on_pick(ctx: Ctx) -> None:
    await rounds.answer(ctx, ctx.button)


def register(router: Router) -> None:
    router.menu_entry("quiz", N_("🎓 Eco quiz"), 40)(home.show_home)
    router.command("quiz")(home.show_home)
    router.action(QuizPick)(on_pick)
    router.step(home.STEP)(home.on_home)
    router.step(play.TOPIC_STEP)(play.on_topic)
    router.step(play.LEVEL_STEP)(play.on_level)
    router.step(rounds.STEP)(rounds.on_question_step)
    router.step(finish.STEP)(play.on_finished)
    router.personal_data("quiz", results.export_quiz, results.erase_quiz)
    router.profile_lines.append(results.profile_lines)
    daily.register(router)
    clubs.register(router)
