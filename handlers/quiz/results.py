"""«My quiz results», the quiz's lines in the profile, and its part of /mydata and /forget."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from handlers.context import Ctx
from handlers.quiz import bank
from handlers.quiz.stats import QuizRecord, quiz_record
from storage.quiz import QuizAnswer, QuizQuestionMemory, QuizRound, answers_of_round, rounds_of_user

def record_lines(ctx: Ctx, record: QuizRecord) -> list[str]:
    lines = [
        ctx._("Quiz rounds played: {count}", count=record.rounds),
        ctx._("Right answers: {correct} of {answered}", correct=record.correct, answered=record.answered),
    ]
    if record.best_score:
        lines.append(ctx._("Best round: {score} of {size}", score=record.best_score[0], size=record.best_score[1]))
    lines.append(ctx.ngettext("Quiz streak: {n} day in a row", "Quiz streak: {n} days in a row", record.streak))
    if record.best_topic:
        title = next(t.title[ctx.tr.language] for t in bank.topics() if t.id == record.best_topic)
        lines.append(ctx._("Best topic: {topic}", topic=title))
    return lines


async def show_results(ctx: Ctx) -> None:
    record = await quiz_record(ctx.session, ctx.user.id, ctx.now)
    if not record.answered:
        text = ctx._("📊 You have not played the eco quiz yet. Choose «Play» to start.")
    else:
        lines = [ctx._("📊 My quiz results"), *record_lines(ctx, record)]
        if record.longest_streak > record.streak:
            lines.append(ctx.ngettext("Longest streak: {n} day", "Longest streak: {n} days", record.longest_streak))
        text = "\n".join(lines)
    ctx.reply(text)


async def profile_lines(ctx: Ctx) -> list[str]:
    record = await quiz_record(ctx.session, ctx.user.id, ctx.now)
    return record_lines(ctx, record) if record.answered else []


async def export_quiz(ctx: Ctx) -> dict[str, Any]:
    rounds = await rounds_of_user(ctx.session, ctx.user.id)
    memory = await ctx.session.scalars(select(QuizQuestionMemory).where(QuizQuestionMemory.user_id == ctx.user.id))
    return {
        "rounds": [
            {
                "kind": r.kind,
                "topic": r.topic,
                "level": r.level,
                "language": r.language,
                "score": r.score,
                "questions": r.question_ids,
                "started_at": r.started_at.isoformat(),
                "finished_at": r.finished_at.isoformat() if r.finished_at else None,
                "answers": [
                    {
                        "question": a.question_id,
                        "option": a.option,
                        "correct": a.correct,
                        "answered_at": a.answered_at.isoformat(),
                    }
                    for a in await answers_of_round(ctx.session, r.id)
                ],
            }
            for r in rounds
        ],
        "question_memory": [
            {"question": m.question_id, "box": m.box, "due_at": m.due_at.isoformat(), "right": m.right, "wrong": m.wrong}
            for m in memory
        ],
    }


async def erase_quiz(ctx: Ctx) -> None:
    """/forget: every round, answer and question memory of the person goes."""
    uid = ctx.user.id
    round_ids = select(QuizRound.id).where(QuizRound.user_id == uid).scalar_subquery()
    await ctx.session.execute(delete(QuizAnswer).where(QuizAnswer.round_id.in_(round_ids)))
    await ctx.session.execute(delete(QuizRound).where(QuizRound.user_id == uid))
    await ctx.session.execute(delete(QuizQuestionMemory).where(QuizQuestionMemory.user_id == uid))
