"""Eco-quiz rounds, their answers, and what each person remembers of each question.

A round is a fixed list of question ids (from the bank in handlers/quiz/questions) asked one at a
time; `position` is the index of the question asked now, so an answer for any other index is late,
repeated or forged and changes nothing. A round is finished when `finished_at` is set: after its
last answer, or when the person started another round of the same kind (then `position` is below
the number of questions and the round does not count in the scores).

`QuizQuestionMemory` is one person's record of one question for spaced repetition (the rule is in
handlers/quiz/rounds.py `pick_questions`): its Leitner box, when it is due again, and counts.
`club_round_id` is a plain number, not a foreign key: the club tables belong to the clubs flow.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, JSONType, UTCDateTime, utcnow
from storage.models import BigId

QUESTION_ID_LENGTH = 40


class RoundKind(StrEnum):
    SOLO = "solo"  # a round of five the person started from the quiz home
    DAILY = "daily"  # the daily question: a round of one
    CLUB = "club"  # a club round a leader started, played by a member


class QuizRound(Base):
    __tablename__ = "quiz_rounds"
    __table_args__ = (Index("ix_quiz_rounds_user_started", "user_id", "started_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    topic: Mapped[str | None] = mapped_column(String(32))  # None: mixed topics
    level: Mapped[str] = mapped_column(String(8))
    language: Mapped[str] = mapped_column(String(8))
    question_ids: Mapped[list[str]] = mapped_column(JSONType)
    position: Mapped[int] = mapped_column(Integer, default=0)
    score: Mapped[int] = mapped_column(Integer, default=0)
    club_round_id: Mapped[int | None] = mapped_column(BigId, index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def size(self) -> int:
        return len(self.question_ids)

    @property
    def completed(self) -> bool:
        """Every question answered (a round abandoned for another one is finished, not completed)."""
        return self.position >= self.size

    @property
    def current_question_id(self) -> str | None:
        return None if self.finished_at or self.completed else self.question_ids[self.position]


class QuizAnswer(Base):
    __tablename__ = "quiz_answers"
    __table_args__ = (UniqueConstraint("round_id", "index"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("quiz_rounds.id", ondelete="CASCADE"))
    index: Mapped[int] = mapped_column(Integer)
    question_id: Mapped[str] = mapped_column(String(QUESTION_ID_LENGTH))
    option: Mapped[int] = mapped_column(Integer)
    correct: Mapped[bool] = mapped_column(Boolean)
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizQuestionMemory(Base):
    """One person and one question: the Leitner box (0 = missed or new) and when it is due again."""

    __tablename__ = "quiz_question_memory"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    question_id: Mapped[str] = mapped_column(String(QUESTION_ID_LENGTH), primary_key=True)
    box: Mapped[int] = mapped_column(Integer, default=0)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    right: Mapped[int] = mapped_column(Integer, default=0)
    wrong: Mapped[int] = mapped_column(Integer, default=0)


# --- queries ----------------------------------------------------------------------------------


async def memory_of(session: AsyncSession, user_id: int, question_ids: list[str]) -> dict[str, QuizQuestionMemory]:
    rows = await session.scalars(
        select(QuizQuestionMemory).where(
            QuizQuestionMemory.user_id == user_id, QuizQuestionMemory.question_id.in_(question_ids)
        )
    )
    return {row.question_id: row for row in rows}


async def open_rounds(session: AsyncSession, user_id: int, kind: str) -> list[QuizRound]:
    rows = await session.scalars(
        select(QuizRound).where(
            QuizRound.user_id == user_id, QuizRound.kind == kind, QuizRound.finished_at.is_(None)
        )
    )
    return list(rows)


async def answers_of_round(session: AsyncSession, round_id: int) -> list[QuizAnswer]:
    rows = await session.scalars(select(QuizAnswer).where(QuizAnswer.round_id == round_id).order_by(QuizAnswer.index))
    return list(rows)


async def answers_of_user(session: AsyncSession, user_id: int) -> list[tuple[QuizAnswer, QuizRound]]:
    rows = await session.execute(
        select(QuizAnswer, QuizRound)
        .join(QuizRound, QuizRound.id == QuizAnswer.round_id)
        .where(QuizRound.user_id == user_id)
        .order_by(QuizAnswer.answered_at)
    )
    return [(a, r) for a, r in rows.all()]


async def rounds_of_user(session: AsyncSession, user_id: int) -> list[QuizRound]:
    rows = await session.scalars(select(QuizRound).where(QuizRound.user_id == user_id).order_by(QuizRound.id))
    return list(rows)


# --- The daily question: who gets one question a day, at which hour ---------------------------


class QuizSubscription(Base):
    """A person's daily question: one question a day at `hour` o'clock, Kazakhstan's time.

    `starts_on` is the first Kazakhstan day a question is due (a new subscription or a new hour
    counts from the next time that hour comes round, never from an hour already gone today);
    `last_sent_on` is the last day one was queued. A run of the job sends a question to those whose
    hour has come today and who got none today, so a run missed (the bot was down) is made up at
    the next one and no day gets two. Stopping keeps the row (`active` false) so that subscribing
    again remembers the hour and the level; /forget deletes it."""

    __tablename__ = "quiz_subscriptions"
    __table_args__ = (
        CheckConstraint("hour >= 0 AND hour <= 23", name="hour_of_day"),
        Index("ix_quiz_subscriptions_due", "active", "hour", "last_sent_on"),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    hour: Mapped[int] = mapped_column(Integer)
    level: Mapped[str] = mapped_column(String(16))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    starts_on: Mapped[date] = mapped_column(Date)
    last_sent_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def first_day(hour: int, local_now: datetime) -> date:
    """The first day whose `hour` o'clock is still ahead of `local_now` (Kazakhstan's time; the job
    runs on the hour, so the hour now under way is gone)."""
    return local_now.date() if hour > local_now.hour else local_now.date() + timedelta(days=1)


async def subscription_of(session: AsyncSession, user_id: int, *, lock: bool = False) -> QuizSubscription | None:
    return await session.get(QuizSubscription, user_id, with_for_update=lock)


async def subscribe(
    session: AsyncSession, user_id: int, hour: int, level: str, now: datetime, local_now: datetime
) -> QuizSubscription:
    """Start (or start again, or change) the daily question at `hour` with `level`; `local_now`
    is `now` in Kazakhstan's time."""
    row = await subscription_of(session, user_id, lock=True)
    if row is None:
        row = QuizSubscription(user_id=user_id, created_at=now)
        session.add(row)
    if not row.active or row.hour != hour or row.starts_on is None:
        row.starts_on = first_day(hour, local_now)
    row.hour, row.level, row.active, row.updated_at = hour, level, True, now
    return row


async def due_subscriptions(
    session: AsyncSession, local_now: datetime, *, after_user: int = 0, limit: int = 500
) -> list[QuizSubscription]:
    """Active subscriptions whose hour has come today (`local_now` is Kazakhstan's time) and that
    got no question today, by user id from `after_user`, locked for the job's transaction."""
    today = local_now.date()
    return list(
        (
            await session.scalars(
                select(QuizSubscription)
                .where(
                    QuizSubscription.active.is_(True),
                    QuizSubscription.hour <= local_now.hour,
                    QuizSubscription.starts_on <= today,
                    or_(QuizSubscription.last_sent_on.is_(None), QuizSubscription.last_sent_on < today),
                    QuizSubscription.user_id > after_user,
                )
                .order_by(QuizSubscription.user_id)
                .limit(limit)
                .with_for_update()
            )
        ).all()
    )
