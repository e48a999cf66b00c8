"""Dump reports: the report, its photos, its status history and the confirmations of other
citizens. (The report a citizen is still filling in is a draft of the "report" form: storage.forms.)

The public code (`TZ-000123`) is derived from the id, so it needs no column of its own."""

from __future__ import annotations

import math
from datetime import datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, JSONType, UTCDateTime, utcnow
from storage.models import BigId
from storage.sites import DetectedSite

CODE_PREFIX = "TZ-"


class ReportStatus(StrEnum):
    NEW = "new"
    QUEUED = "queued"  # handed over to the region's moderators
    CONFIRMED = "confirmed"
    IN_PROGRESS = "in_progress"
    CLEANED = "cleaned"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    DISPUTED = "disputed"  # the reporter contests "cleaned" or "rejected"
    TO_VERIFY = "to_verify"  # a site detected from space, waiting for citizens to look (storage.sites)
    NOT_FOUND = "not_found"  # a site to verify that two citizens found nothing at


# A dump that is still there as far as we know: new reports of the same place are duplicates.
OPEN_STATUSES: tuple[ReportStatus, ...] = (
    ReportStatus.NEW,
    ReportStatus.QUEUED,
    ReportStatus.CONFIRMED,
    ReportStatus.IN_PROGRESS,
    ReportStatus.DISPUTED,
)


class WasteType(StrEnum):
    HOUSEHOLD = "household"
    CONSTRUCTION = "construction"
    PLASTIC = "plastic"
    TYRES = "tyres"
    HAZARDOUS = "hazardous"
    ORGANIC = "organic"
    METAL = "metal"
    ELECTRONICS = "electronics"
    OTHER = "other"
    FIRE = "fire"  # fire or smoke: an urgent hazard (handlers.sites.urgent)
    SPILL = "spill"  # a chemical spill: an urgent hazard


class DumpSize(StrEnum):
    BAG = "bag"
    WHEELBARROW = "wheelbarrow"
    TRUCK = "truck"


class LocationSource(StrEnum):
    SHARED = "shared"  # a location shared from the messenger
    PHOTO = "photo"  # the EXIF GPS of a photo sent as a file
    ADDRESS = "address"  # a typed address, geocoded (the text is kept as the landmark)
    REGION = "region"  # only the region, picked from the list: no point
    SATELLITE = "satellite"  # a site detected from space: the point of the detection


# Open data (Open311, exports): rejected reports are not published; a report no moderator has
# looked at yet shows the centre of its ~500 m grid cell instead of its exact point.
# A site detected from space is published once citizens found it there (not while it waits, nor
# when they found nothing): a detection alone may be a false alarm.
PUBLISHED_STATUSES: tuple[ReportStatus, ...] = tuple(
    s for s in ReportStatus if s not in (ReportStatus.REJECTED, ReportStatus.TO_VERIFY, ReportStatus.NOT_FOUND)
)


class Origin(StrEnum):
    """Who found the dump: a citizen, or monitoring from space (exports and Open311 say which)."""

    CITIZEN = "citizen"
    SATELLITE = "satellite"
UNMODERATED_STATUSES: tuple[ReportStatus, ...] = (ReportStatus.NEW, ReportStatus.QUEUED)
PUBLIC_GRID_DEGREES = 0.0045  # about 500 m of latitude


def public_point(status: str, latitude: float | None, longitude: float | None) -> tuple[float, float] | None:
    """The point open data shows for a report: exact once moderated, else its grid cell's centre
    (every report of the cell shows the same point, so several cannot be averaged out)."""
    if latitude is None or longitude is None:
        return None
    if status not in UNMODERATED_STATUSES:
        return latitude, longitude
    step = PUBLIC_GRID_DEGREES
    lat = (math.floor(latitude / step) + 0.5) * step
    lon_step = step / max(math.cos(math.radians(lat)), 0.01)
    lon = (math.floor(longitude / lon_step) + 0.5) * lon_step
    return round(lat, 6), round(lon, 6)


def report_code(report_id: int) -> str:
    return f"{CODE_PREFIX}{report_id:06d}"


def parse_report_code(code: str) -> int | None:
    """'TZ-000123', 'tz-123' or '123' -> 123; None if it is not a code."""
    text = code.strip().upper().removeprefix(CODE_PREFIX)
    if not text.isascii() or not text.isdigit() or len(text) > 15:  # ids fit any BIGINT; no 5,000 digits
        return None
    return int(text) or None


class Report(Base):
    __tablename__ = "reports"
    __table_args__ = (
        Index("ix_reports_reporter_created", "reporter_id", "created_at"),  # my reports, anti-flood
        Index("ix_reports_region_status", "region_code", "status", "created_at"),  # queues, photo duplicates
        Index("ix_reports_lat_lon", "latitude", "longitude"),  # duplicates within 50 m (a box first)
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # NULL once the reporter used /forget: the report stays, detached from the person.
    reporter_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(16), default=ReportStatus.NEW)
    region_code: Mapped[str] = mapped_column(String(8))  # ISO 3166-2:KZ, e.g. KZ-71
    district_pcode: Mapped[str | None] = mapped_column(String(16))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(16), default=LocationSource.SHARED)
    # The address or landmark as typed (a report without a point always has one, and a district).
    address: Mapped[str | None] = mapped_column(String(512))
    waste_types: Mapped[list[str]] = mapped_column(JSONType, default=list)
    size: Mapped[str | None] = mapped_column(String(16))
    comment: Mapped[str | None] = mapped_column(Text)
    confirmations_count: Mapped[int] = mapped_column(Integer, default=0)
    duplicate_of_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    origin: Mapped[str] = mapped_column(String(16), default=Origin.CITIZEN)
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)  # fire, smoke or a spill: no waiting
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    photos: Mapped[list[ReportPhoto]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="ReportPhoto.position",
        lazy="selectin",
    )
    # The detection, for a site found from space (storage.sites.DetectedSite); None otherwise.
    site: Mapped[DetectedSite | None] = relationship(lazy="selectin", uselist=False, viewonly=True)
    history: Mapped[list[ReportStatusChange]] = relationship(
        back_populates="report",
        cascade="all, delete-orphan",
        order_by="ReportStatusChange.id",
        lazy="selectin",
    )

    @property
    def code(self) -> str:
        return report_code(self.id)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ReportPhoto(Base):
    """A photo as stored: paths are relative to MEDIA_DIR and named by content hash."""

    __tablename__ = "report_photos"
    __table_args__ = (UniqueConstraint("report_id", "sha256"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    path: Mapped[str] = mapped_column(String(255))
    thumb_path: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    phash: Mapped[str] = mapped_column(String(16), index=True)  # 64-bit dHash, hex
    width: Mapped[int] = mapped_column(Integer)
    height: Mapped[int] = mapped_column(Integer)
    # Who sent it: the reporter, or a citizen who confirmed the dump. NULL after /forget.
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="photos")


class ReportStatusChange(Base):
    """One step of a report's life: who changed the status, when, and why."""

    __tablename__ = "report_status_changes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    old_status: Mapped[str | None] = mapped_column(String(16))
    new_status: Mapped[str] = mapped_column(String(16))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    note: Mapped[str | None] = mapped_column(Text)
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    report: Mapped[Report] = relationship(back_populates="history")


class ReportConfirmation(Base):
    """Another citizen says "this dump is still there" (a duplicate report answered "yes")."""

    __tablename__ = "report_confirmations"
    __table_args__ = (UniqueConstraint("report_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
