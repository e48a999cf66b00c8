"""Handing reports over to a region's own systems, and partner apps writing to ours.

- `HandoverTarget`: where a region's (or one district's) reports go besides its moderators' chat:
  an Open311 endpoint (with its key and service code) or an e-mail address.
- `HandoverDelivery`: one report to one target. Its row is written in the handover's transaction,
  and for an Open311 target every attempt is recorded (committed) before the POST, so that after a
  crash the job knows a POST may have gone out and looks the report up before sending again.
- `ApiKey` / `ApiWrite`: keys of partner apps that POST requests to our Open311 server (only a
  SHA-256 of the key is stored) and the log of every write, with its key.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from collections import Counter

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.models import BigId, OutboxMessage, OutboxStatus


class TargetKind:
    OPEN311 = "open311"
    EMAIL = "email"


class EmailMode:
    EACH = "each"  # one message per report
    DAILY = "daily"  # one letter per target and day


class DeliveryStatus:
    PENDING = "pending"  # not tried yet, or waiting for the next try
    ATTEMPTING = "attempting"  # an attempt was recorded and may have reached the target
    QUEUED = "queued"  # e-mail: in the outbox (delivered at least once from there)
    DELIVERED = "delivered"
    FAILED = "failed"  # given up; the region's moderators were told


class HandoverTarget(Base):
    __tablename__ = "handover_targets"
    __table_args__ = (Index("ix_handover_targets_region", "region_code", "district_pcode"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    region_code: Mapped[str] = mapped_column(String(8))
    district_pcode: Mapped[str | None] = mapped_column(String(16))  # None: the whole region
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(512))  # the endpoint's base URL, or an e-mail address
    api_key: Mapped[str | None] = mapped_column(String(256))  # the key their endpoint gave us
    service_code: Mapped[str | None] = mapped_column(String(64))
    jurisdiction_id: Mapped[str | None] = mapped_column(String(64))
    has_updates: Mapped[bool] = mapped_column(Boolean, default=False)  # FixMyStreet's servicerequestupdates
    email_mode: Mapped[str] = mapped_column(String(8), default=EmailMode.EACH)
    language: Mapped[str] = mapped_column(String(8), default="ru")
    pulled_until: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the last status pull's start
    created_by: Mapped[str] = mapped_column(String(96))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class HandoverDelivery(Base):
    __tablename__ = "handover_deliveries"
    __table_args__ = (
        UniqueConstraint("report_id", "target_id"),
        Index("ix_handover_deliveries_due", "status", "next_attempt_at"),
        Index("ix_handover_deliveries_external", "target_id", "external_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("reports.id", ondelete="CASCADE"))
    target_id: Mapped[int] = mapped_column(ForeignKey("handover_targets.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(16), default=DeliveryStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    external_id: Mapped[str | None] = mapped_column(String(128))  # their service_request_id
    token: Mapped[str | None] = mapped_column(String(128))  # their token, until the id is known
    remote_status: Mapped[str | None] = mapped_column(String(64))  # the last status pulled back
    outbox_id: Mapped[int | None] = mapped_column(BigId)  # e-mail: the outbox row that carries it
    last_error: Mapped[str | None] = mapped_column(Text)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(128))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # shown in listings, never enough to use the key
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ApiWrite(Base):
    """One POST with a key: what it did (`created`, `joined` an open report, or an error)."""

    __tablename__ = "api_writes"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    api_key_id: Mapped[int] = mapped_column(ForeignKey("api_keys.id", ondelete="CASCADE"), index=True)
    report_id: Mapped[int | None] = mapped_column(ForeignKey("reports.id", ondelete="SET NULL"))
    token: Mapped[str | None] = mapped_column(String(32), unique=True)
    outcome: Mapped[str] = mapped_column(String(200))
    client: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- API keys ---------------------------------------------------------------------------------
KEY_PREFIX = "taza_"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


async def create_api_key(session: AsyncSession, name: str, now: datetime) -> tuple[ApiKey, str]:
    """A new key; the key itself is returned once and never stored."""
    key = KEY_PREFIX + secrets.token_urlsafe(24)
    row = ApiKey(name=name[:128], key_hash=hash_key(key), prefix=key[:12], created_at=now)
    session.add(row)
    await session.flush()
    return row, key


async def key_of(session: AsyncSession, key: str) -> ApiKey | None:
    """The live key row for a presented key, or None (unknown or revoked)."""
    if not key or len(key) > 200:
        return None
    row = await session.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(key)))
    return row if row is not None and row.revoked_at is None else None


async def revoke_api_key(session: AsyncSession, ident: str, now: datetime) -> int:
    """Revoke by id or by the listed prefix; how many keys were revoked."""
    query = select(ApiKey).where(ApiKey.revoked_at.is_(None))
    query = query.where(ApiKey.id == int(ident)) if ident.isdigit() else query.where(ApiKey.prefix == ident)
    rows = (await session.scalars(query)).all()
    for row in rows:
        row.revoked_at = now
    return len(rows)


# --- targets ----------------------------------------------------------------------------------
async def targets_for(session: AsyncSession, region_code: str, district_pcode: str | None) -> list[HandoverTarget]:
    """The region's whole-region targets and those of the report's district."""
    rows = await session.scalars(
        select(HandoverTarget)
        .where(HandoverTarget.region_code == region_code)
        .order_by(HandoverTarget.id)
    )
    return [t for t in rows if t.district_pcode is None or t.district_pcode == district_pcode]


async def all_targets(session: AsyncSession) -> list[HandoverTarget]:
    return list(
        await session.scalars(select(HandoverTarget).order_by(HandoverTarget.region_code, HandoverTarget.id))
    )


async def delivery_counts(session: AsyncSession, region_code: str | None = None) -> tuple[dict[int, Counter[str]], dict[int, str]]:
    """Per target: its deliveries as `pending`, `failing` (tried and not through yet),
    `delivered` and `failed` (an e-mail's state is its outbox row's), and its last error."""
    query = (
        select(HandoverDelivery, OutboxMessage.status)
        .outerjoin(OutboxMessage, OutboxMessage.id == HandoverDelivery.outbox_id)
        .order_by(HandoverDelivery.id)
    )
    if region_code is not None:
        query = query.join(HandoverTarget, HandoverTarget.id == HandoverDelivery.target_id).where(
            HandoverTarget.region_code == region_code
        )
    counts: dict[int, Counter[str]] = {}
    errors: dict[int, str] = {}
    for delivery, outbox_status in (await session.execute(query)).all():
        state = delivery.status
        if state == DeliveryStatus.QUEUED:
            state = {OutboxStatus.SENT: "delivered", OutboxStatus.FAILED: "failed"}.get(outbox_status or "", "pending")
        elif state == DeliveryStatus.ATTEMPTING or (state == DeliveryStatus.PENDING and delivery.attempts):
            state = "failing"
        counts.setdefault(delivery.target_id, Counter())[state] += 1
        if delivery.last_error:
            errors[delivery.target_id] = delivery.last_error
    return counts, errors
