"""Eco quiz storage (issue 10)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow


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
