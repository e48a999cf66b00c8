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

import secrets
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
    func,
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


# --- clubs ------------------------------------------------------------------------------------------
# A club (a school's «Green Club», a university's eco-squad) has a leader who starts club rounds
# and members who joined with its code. A club round is a topic and a level with a deadline; each
# member plays it as an ordinary quiz round (QuizRound.club_round_id), in their own language, and
# only rounds finished before the deadline count on the club's leaderboard.

CLUB_NAME_MAX, INSTITUTION_MAX = 80, 120
# The join code: letters and digits nobody confuses when reading them off a board (no 0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
CODE_LIFETIME = timedelta(days=30)  # the leader makes a new code when it expires
MAX_MEMBERS = 200  # a class or an eco-squad; results and the leaderboard stay readable
MAX_CLUBS_LED = 10  # open clubs one person may lead


class QuizClub(Base):
    __tablename__ = "quiz_clubs"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(CLUB_NAME_MAX))
    institution: Mapped[str] = mapped_column(String(INSTITUTION_MAX))  # the school or university
    region_code: Mapped[str] = mapped_column(String(8))
    # NULL once the leader used /forget (the club is closed then).
    leader_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    join_code: Mapped[str] = mapped_column(String(CODE_LENGTH), unique=True)
    code_expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class QuizClubMember(Base):
    """`number` is the member's stable place in the club, shown as «Member 3» to others when
    `show_name` is False (the member's consent to be named on results and the leaderboard)."""

    __tablename__ = "quiz_club_members"
    __table_args__ = (UniqueConstraint("club_id", "number"),)

    club_id: Mapped[int] = mapped_column(ForeignKey("quiz_clubs.id", ondelete="CASCADE"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True)
    number: Mapped[int] = mapped_column(Integer)
    show_name: Mapped[bool] = mapped_column(Boolean, default=False)
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizClubRound(Base):
    __tablename__ = "quiz_club_rounds"
    __table_args__ = (Index("ix_quiz_club_rounds_club_deadline", "club_id", "deadline"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    club_id: Mapped[int] = mapped_column(ForeignKey("quiz_clubs.id", ondelete="CASCADE"))
    topic: Mapped[str | None] = mapped_column(String(32))  # None: mixed topics
    level: Mapped[str] = mapped_column(String(16))
    deadline: Mapped[datetime] = mapped_column(UTCDateTime())
    started_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    def is_open(self, now: datetime) -> bool:
        return now < self.deadline


def new_join_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str:
    """What a person typed ("abc-234", " Abc 234 ") as a stored code ("ABC234")."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


async def free_join_code(session: AsyncSession) -> str:
    """A code no club uses (30^6 codes: a clash is rare, and checked)."""
    while True:
        code = new_join_code()
        if await session.scalar(select(QuizClub.id).where(QuizClub.join_code == code)) is None:
            return code


async def club_by_code(session: AsyncSession, code: str) -> QuizClub | None:
    return await session.scalar(select(QuizClub).where(QuizClub.join_code == normalise_code(code)))


async def membership(session: AsyncSession, club_id: int, user_id: int, *, lock: bool = False) -> QuizClubMember | None:
    query = select(QuizClubMember).where(QuizClubMember.club_id == club_id, QuizClubMember.user_id == user_id)
    return await session.scalar(query.with_for_update() if lock else query)


async def add_member(session: AsyncSession, club: QuizClub, user_id: int, show_name: bool, now: datetime) -> QuizClubMember:
    """The next number of the club (numbers of members who left are not given again). The club row
    is locked first, so two people joining at once do not take the same number."""
    await session.refresh(club, with_for_update=True)
    last = await session.scalar(select(func.max(QuizClubMember.number)).where(QuizClubMember.club_id == club.id))
    member = QuizClubMember(club_id=club.id, user_id=user_id, number=(last or 0) + 1, show_name=show_name, joined_at=now)
    session.add(member)
    await session.flush()
    return member


async def members(session: AsyncSession, club_id: int) -> list[QuizClubMember]:
    rows = await session.scalars(select(QuizClubMember).where(QuizClubMember.club_id == club_id).order_by(QuizClubMember.number))
    return list(rows)


async def clubs_of(session: AsyncSession, user_id: int) -> list[tuple[QuizClub, bool]]:
    """The open clubs a person leads or belongs to, with True for the ones they lead."""
    led = await session.scalars(select(QuizClub).where(QuizClub.leader_id == user_id, QuizClub.closed_at.is_(None)))
    joined = await session.scalars(
        select(QuizClub)
        .join(QuizClubMember, QuizClubMember.club_id == QuizClub.id)
        .where(QuizClubMember.user_id == user_id, QuizClub.closed_at.is_(None))
    )
    found = [(club, True) for club in led] + [(club, False) for club in joined]
    return sorted(found, key=lambda pair: pair[0].id)


async def club_rounds(session: AsyncSession, club_id: int) -> list[QuizClubRound]:
    """Newest first."""
    rows = await session.scalars(
        select(QuizClubRound).where(QuizClubRound.club_id == club_id).order_by(QuizClubRound.id.desc())
    )
    return list(rows)


def counts(club_round: QuizClubRound, played: QuizRound) -> bool:
    """A member's round counts for the club when all its questions were answered before the round's
    deadline."""
    return played.completed and played.finished_at is not None and played.finished_at <= club_round.deadline


async def played_round(session: AsyncSession, club_round_id: int, user_id: int) -> QuizRound | None:
    """The person's quiz round of a club round (a member plays each club round once)."""
    return await session.scalar(
        select(QuizRound).where(QuizRound.club_round_id == club_round_id, QuizRound.user_id == user_id).limit(1)
    )


async def round_plays(session: AsyncSession, club_round_id: int) -> dict[int, QuizRound]:
    """Who has started or played a club round: their quiz round, by user id."""
    rows = await session.scalars(select(QuizRound).where(QuizRound.club_round_id == club_round_id).order_by(QuizRound.id))
    found: dict[int, QuizRound] = {}
    for played in rows:
        found.setdefault(played.user_id, played)
    return found


async def club_totals(session: AsyncSession, club_id: int) -> dict[int, int]:
    """Each person's total score over the club's rounds that count (see `counts`)."""
    rows = await session.execute(
        select(QuizClubRound, QuizRound)
        .join(QuizRound, QuizRound.club_round_id == QuizClubRound.id)
        .where(QuizClubRound.club_id == club_id, QuizRound.finished_at.is_not(None))
    )
    totals: dict[int, int] = {}
    for club_round, played in rows.all():
        if counts(club_round, played):
            totals[played.user_id] = totals.get(played.user_id, 0) + played.score
    return totals
