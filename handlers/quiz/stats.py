"""A person's quiz record: rounds, answers, the daily streak and the best topic.

A day counts for the streak when the person answered at least one quiz question on it, in
Kazakhstan's calendar (a question answered at 23:30 in Almaty is that day's, not the next one's).
The streak is the run of such days that ends today, or yesterday (today is not over yet)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import KZ_TZ
from handlers.quiz import bank
from storage.quiz import answers_of_user, rounds_of_user

MIN_ANSWERS_FOR_BEST_TOPIC = 3  # one lucky answer does not make a best topic


@dataclass(frozen=True)
class QuizRecord:
    rounds: int  # rounds with every question answered
    answered: int
    correct: int
    best_score: tuple[int, int] | None  # (score, size) of the best completed round
    streak: int  # days in a row up to today (or yesterday)
    longest_streak: int
    best_topic: str | None  # a topic id of the bank


async def quiz_record(session: AsyncSession, user_id: int, now: datetime) -> QuizRecord:
    answers = await answers_of_user(session, user_id)
    rounds = [r for r in await rounds_of_user(session, user_id) if r.completed]
    best = max(rounds, key=lambda r: (r.score / r.size, r.size), default=None)
    days = {a.answered_at.astimezone(KZ_TZ).date() for a, _round in answers}
    current, longest = streaks(days, now.astimezone(KZ_TZ).date())
    return QuizRecord(
        rounds=len(rounds),
        answered=len(answers),
        correct=sum(1 for a, _round in answers if a.correct),
        best_score=(best.score, best.size) if best else None,
        streak=current,
        longest_streak=longest,
        best_topic=best_topic([(a.question_id, a.correct) for a, _round in answers]),
    )


def streaks(days: set[date], today: date) -> tuple[int, int]:
    """(the run of played days ending today or yesterday, the longest run ever)."""
    longest = run = 0
    previous: date | None = None
    for day in sorted(days):
        run = run + 1 if previous == day - timedelta(days=1) else 1
        longest = max(longest, run)
        previous = day
    end = today if today in days else today - timedelta(days=1)
    current = 0
    while end - timedelta(days=current) in days:
        current += 1
    return current, longest


def best_topic(answers: list[tuple[str, bool]]) -> str | None:
    """The topic with the highest share of right answers (ties: the one answered more often)."""
    asked: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for question_id, correct in answers:
        question = bank.question(question_id)
        if question is None:
            continue
        asked[question.topic] += 1
        right[question.topic] += int(correct)
    ranked = [(right[t] / n, n, t) for t, n in asked.items() if n >= MIN_ANSWERS_FOR_BEST_TOPIC and right[t]]
    return max(ranked)[2] if ranked else None
