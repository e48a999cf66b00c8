"""Who moderates what: moderator roles per region and the chats bound as a region's moderator chat.

A role is keyed by the channel account (`telegram:12345`), not by a user row, so that an admin can
appoint someone before that person has ever written to the bot. `NATIONAL` is the pseudo-region of
the national queue (reports of regions with no moderator), which admins work through.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, delete, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.models import BigId

NATIONAL = "national"


class ModeratorRole(Base):
    __tablename__ = "moderator_roles"
    __table_args__ = (UniqueConstraint("channel", "external_id", "region_code"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(16))
    external_id: Mapped[str] = mapped_column(String(64))
    region_code: Mapped[str] = mapped_column(String(16), index=True)
    appointed_by: Mapped[str] = mapped_column(String(96))  # "telegram:1" or "cli"
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ModeratorChat(Base):
    """A group (or any chat) where a region's reports are announced and triaged."""

    __tablename__ = "moderator_chats"
    __table_args__ = (
        UniqueConstraint("region_code", "channel", "chat_id"),
        Index("ix_moderator_chats_chat", "channel", "chat_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(16))
    channel: Mapped[str] = mapped_column(String(16))
    chat_id: Mapped[str] = mapped_column(String(64))
    title: Mapped[str | None] = mapped_column(String(128))
    language: Mapped[str] = mapped_column(String(8), default="ru")  # of the admin who bound it
    bound_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReportTriage(Base):
    """The moderation side of a report, one row per report handed over. The times make the jobs
    idempotent: a report is escalated once per time it is queued, asked "still there?" once per
    confirmation, and may be disputed until `cleaned_at` + 7 days."""

    __tablename__ = "report_triage"
    __table_args__ = (Index("ix_report_triage_queued", "queued_at"),)

    report_id: Mapped[int] = mapped_column(
        ForeignKey("reports.id", ondelete="CASCADE"), primary_key=True
    )
    national: Mapped[bool] = mapped_column(Boolean, default=False)  # no moderator: admins' queue
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    still_there_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cleaned_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    disputes: Mapped[int] = mapped_column(Integer, default=0)
    # Why it was rejected: a code of handlers.moderation.triage.REJECT_REASONS, and for "other"
    # the moderator's own words (sent to the reporter as typed). Kept so that every later message
    # to the reporter can name the reason in their language.
    reject_reason: Mapped[str | None] = mapped_column(String(16))
    reject_text: Mapped[str | None] = mapped_column(Text)


class ReportNote(Base):
    """An internal note of a moderator: never shown to the reporter nor published."""

    __tablename__ = "report_notes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReportQuestion(Base):
    """«Ask the reporter»: a moderator's question sent to the reporter through the bot, and the
    reporter's answer (text, or a photo kept as a `ReportFollowUpPhoto` of kind ANSWER). The
    answer is the reporter's personal data: /mydata exports it, /forget deletes its text."""

    __tablename__ = "report_questions"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    asked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    question: Mapped[str] = mapped_column(Text)
    asked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    answer_text: Mapped[str | None] = mapped_column(Text)
    answer_photo_path: Mapped[str | None] = mapped_column(String(255))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class FollowUpPhoto:
    AFTER = "after"  # the moderator's photo of the cleaned place
    DISPUTE = "dispute"  # the reporter's photo contesting "cleaned"
    STILL_THERE = "still_there"  # the reporter's new photo, 30 days after confirmation
    ANSWER = "answer"  # the reporter's photo answering a moderator's question


class ReportFollowUpPhoto(Base):
    """Photos taken after the report, kept beside the reporter's "before" photos (`ReportPhoto`)
    but apart from them, so that a photo of a clean place never matches a new dump's photo."""

    __tablename__ = "report_follow_up_photos"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- repository functions (used by the bot's admin commands, the CLI and the jobs) ------------
def normalise_region(text: str, known: Collection[str]) -> str | None:
    """A known region code in any case ("kz-75" -> "KZ-75"), or NATIONAL; None otherwise."""
    code = text.strip()
    if code.lower() == NATIONAL:
        return NATIONAL
    return code.upper() if code.upper() in known else None


async def add_moderator(
    session: AsyncSession, channel: str, external_id: str, region_code: str, by: str, now: datetime
) -> bool:
    """Appoint; False when the role already existed (appointing twice is harmless)."""
    existing = await session.scalar(
        select(ModeratorRole).where(
            ModeratorRole.channel == channel,
            ModeratorRole.external_id == external_id,
            ModeratorRole.region_code == region_code,
        )
    )
    if existing is not None:
        return False
    session.add(
        ModeratorRole(
            channel=channel,
            external_id=external_id,
            region_code=region_code,
            appointed_by=by,
            created_at=now,
        )
    )
    await session.flush()
    return True


async def remove_moderator(
    session: AsyncSession, channel: str, external_id: str, region_code: str | None = None
) -> int:
    """Remove one region's role, or all of the account's roles when no region is given."""
    query = delete(ModeratorRole).where(
        ModeratorRole.channel == channel, ModeratorRole.external_id == external_id
    )
    if region_code:
        query = query.where(ModeratorRole.region_code == region_code)
    return (await session.execute(query)).rowcount or 0


async def bind_chat(
    session: AsyncSession,
    region_code: str,
    channel: str,
    chat_id: str,
    by: str,
    now: datetime,
    title: str | None = None,
    language: str = "ru",
) -> bool:
    existing = await session.scalar(
        select(ModeratorChat).where(
            ModeratorChat.region_code == region_code,
            ModeratorChat.channel == channel,
            ModeratorChat.chat_id == chat_id,
        )
    )
    if existing is not None:
        return False
    session.add(
        ModeratorChat(
            region_code=region_code,
            channel=channel,
            chat_id=chat_id,
            title=title[:128] if title else None,
            language=language,
            bound_by=by,
            created_at=now,
        )
    )
    await session.flush()
    return True


async def unbind_chat(
    session: AsyncSession, channel: str, chat_id: str, region_code: str | None = None
) -> int:
    query = delete(ModeratorChat).where(
        ModeratorChat.channel == channel, ModeratorChat.chat_id == chat_id
    )
    if region_code:
        query = query.where(ModeratorChat.region_code == region_code)
    return (await session.execute(query)).rowcount or 0


async def regions_of(session: AsyncSession, channel: str, external_id: str) -> set[str]:
    """The regions this account moderates."""
    rows = await session.scalars(
        select(ModeratorRole.region_code).where(
            ModeratorRole.channel == channel, ModeratorRole.external_id == external_id
        )
    )
    return set(rows)


async def chats_of_region(session: AsyncSession, region_code: str) -> list[ModeratorChat]:
    rows = await session.scalars(
        select(ModeratorChat)
        .where(ModeratorChat.region_code == region_code)
        .order_by(ModeratorChat.id)
    )
    return list(rows)


async def moderated_regions(session: AsyncSession) -> set[str]:
    """Regions with at least one moderator: the others' reports go to the national queue."""
    return set(await session.scalars(select(ModeratorRole.region_code).distinct()))


async def all_roles(session: AsyncSession) -> list[ModeratorRole]:
    rows = await session.scalars(
        select(ModeratorRole).order_by(
            ModeratorRole.region_code, ModeratorRole.channel, ModeratorRole.external_id
        )
    )
    return list(rows)


async def all_chats(session: AsyncSession) -> list[ModeratorChat]:
    rows = await session.scalars(
        select(ModeratorChat).order_by(ModeratorChat.region_code, ModeratorChat.id)
    )
    return list(rows)
