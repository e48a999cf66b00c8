"""Public copies of photos: faces and number plates blurred (bot/blur.py), the original kept private.

Every photo the bot stores (a dump's, a follow-up's, an event's "after" photo, a tree's) gets one
row here once its public copy exists, keyed by the original's path (photos are named by content
hash, so one file, one public copy). Anything that publishes a photo asks `public_photo_path`,
which never answers with an original. The moderators' «Blur more» and «Blur is fine» are kept as
`PhotoBlurReview` rows in the report's history.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, select, union
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, foreign, mapped_column, relationship, remote

from storage.base import Base, JSONType, UTCDateTime, utcnow
from storage.models import BigId
from storage.events import EventPhoto
from storage.moderation import ReportFollowUpPhoto
from storage.reports import Report, ReportPhoto, ReportStatus
from storage.trees import TreeCapture

PUBLIC_DIR = "public"  # under MEDIA_DIR, beside the private photos/ and thumbs/
# A report's photo is public only once a moderator has confirmed the report.
PHOTO_PUBLIC_STATUSES = (ReportStatus.CONFIRMED, ReportStatus.IN_PROGRESS, ReportStatus.CLEANED)


class PublicPhoto(Base):
    __tablename__ = "public_photos"

    original_path: Mapped[str] = mapped_column(String(255), primary_key=True)  # relative to MEDIA_DIR
    public_path: Mapped[str] = mapped_column(String(255))
    found: Mapped[list] = mapped_column(JSONType, default=list)  # [[kind, x, y, w, h], ...] detected
    extra: Mapped[list] = mapped_column(JSONType, default=list)  # boxes a moderator added
    whole: Mapped[bool] = mapped_column(Boolean, default=False)  # a moderator blurred all of it
    made_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# A report photo's public copy, loaded with the photo (the moderators' card shows it).
ReportPhoto.public = relationship(
    PublicPhoto,
    primaryjoin=foreign(ReportPhoto.path) == remote(PublicPhoto.original_path),
    viewonly=True,
    uselist=False,
    lazy="selectin",
)


class BlurVerdict:
    FINE = "fine"
    MORE_BOX = "box"
    MORE_WHOLE = "whole"


class PhotoBlurReview(Base):
    """A moderator's look at a report photo's public copy: fine, a box more, or all of it."""

    __tablename__ = "photo_blur_reviews"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    original_path: Mapped[str] = mapped_column(String(255))
    verdict: Mapped[str] = mapped_column(String(8))
    box: Mapped[list | None] = mapped_column(JSONType)  # [x, y, w, h] for "box"
    by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def public_path_for(original_path: str) -> str:
    """photos/ab/abcd….jpg -> public/ab/abcd….jpg (never under photos/ nor thumbs/)."""
    name = original_path.rsplit("/", 1)[-1]
    return f"{PUBLIC_DIR}/{name[:2]}/{name}"


async def photos_without_public_copy(session: AsyncSession, limit: int) -> list[str]:
    """Stored photos (every kind) that have no public copy yet: left by a crash, or just taken."""
    stored = union(
        select(ReportPhoto.path.label("path")),
        select(ReportFollowUpPhoto.path),
        select(EventPhoto.path),
        select(TreeCapture.photo_path).where(TreeCapture.photo_path.is_not(None)),
    ).subquery()
    query = (
        select(stored.c.path)
        .where(~select(PublicPhoto.original_path).where(PublicPhoto.original_path == stored.c.path).exists())
        .order_by(stored.c.path)
        .limit(limit)
    )
    return list((await session.scalars(query)).all())


async def public_photo_path(session: AsyncSession, original_path: str) -> str | None:
    """The public copy of a stored photo (relative to MEDIA_DIR), or None while there is none.
    The only way for anything public to a photo: an original path never comes back."""
    return await session.scalar(select(PublicPhoto.public_path).where(PublicPhoto.original_path == original_path))


async def public_report_photo(session: AsyncSession, report: Report) -> str | None:
    """The public copy of a report's first photo, only once a moderator has confirmed it (not new,
    queued nor rejected); None otherwise or while the copy is being made. For Open311's media_url,
    the web map and every other publication of a report."""
    if report.status not in PHOTO_PUBLIC_STATUSES:
        return None
    first = await session.scalar(
        select(ReportPhoto.path).where(ReportPhoto.report_id == report.id).order_by(ReportPhoto.position, ReportPhoto.id).limit(1)
    )
    return await public_photo_path(session, first) if first else None


async def public_report_photos(session: AsyncSession, report_ids: list[int]) -> dict[int, str]:
    """`public_report_photo` for many reports in one query (Open311's lists): report id -> the
    public copy of its first photo, for confirmed reports whose copy exists; others absent."""
    if not report_ids:
        return {}
    rows = await session.execute(
        select(ReportPhoto.report_id, PublicPhoto.public_path)
        .join(Report, Report.id == ReportPhoto.report_id)
        .outerjoin(PublicPhoto, PublicPhoto.original_path == ReportPhoto.path)
        .where(ReportPhoto.report_id.in_(report_ids), Report.status.in_(PHOTO_PUBLIC_STATUSES))
        .order_by(ReportPhoto.report_id, ReportPhoto.position, ReportPhoto.id)
    )
    first: dict[int, str | None] = {}
    for report_id, public_path in rows:
        first.setdefault(report_id, public_path)
    return {report_id: path for report_id, path in first.items() if path is not None}


async def record_public_copy(
    session: AsyncSession, original_path: str, public_path: str, found: list, *, extra: list | None = None, whole: bool = False, now: datetime
) -> PublicPhoto:
    row = await session.get(PublicPhoto, original_path)
    if row is None:
        row = PublicPhoto(original_path=original_path, extra=[], whole=False)
        session.add(row)
    row.public_path, row.found, row.made_at = public_path, found, now
    if extra is not None:
        row.extra = extra
    row.whole = row.whole or whole
    return row
