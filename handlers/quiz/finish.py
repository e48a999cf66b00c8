"""The end of a round: the score, what the missed questions were about, «Play again» and «Menu»."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.quiz import bank
from handlers.types import Choice
from storage.quiz import QuizRound, RoundKind, answers_of_round

STEP = "quiz.finished"
AGAIN = "again"


async def show_finish(ctx: Ctx, round: QuizRound) -> None:
    language = ctx.tr.language
    # glossary: round (of a quiz) = раунд / раунд / round
    lines = [ctx._("🏁 Round over! Right answers: {score} of {total}.", score=round.score, total=round.size)]
    missed = [a for a in await answers_of_round(ctx.session, round.id) if not a.correct]
    if missed:
        lines.append("")
        lines.append(ctx._("What you missed:"))
    for answer in missed:
        question = bank.question(answer.question_id)
        if question is None:  # taken out of the bank since
            continue
        text = question.text(language)
        lines.append("")
        lines.append(f"• {text.question}")
        lines.append(f"✅ {text.options[question.correct]}")
        lines.append(text.explanation)
    choices = [Choice(AGAIN, ctx._("🔁 Play again"))] if round.kind == RoundKind.SOLO else []
    ctx.ask(STEP, "\n".join(lines), choices, repeat=ctx._("Play again, or go back to the menu?"))
    ctx.data["round_id"] = round.id
