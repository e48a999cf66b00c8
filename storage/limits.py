"""Usage counted per person without keeping who they are: limits that outlive /forget.

A counter's subject is a salted hash (HMAC-SHA256) of the channel identity, so the daily report
limit still holds after /forget and /start, while the table holds no phone number or chat id and
cannot be joined back to a person without the salt. The salt comes from the settings or is made
once and kept in `app_secrets`. Counters are per window (a day); old windows are deleted by the
retention job."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime

from sqlalchemy import Integer, String, delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base, UTCDateTime, utcnow
from storage.db import insert_ignoring_conflicts

SALT_NAME = "identity_salt"


class UsageCounter(Base):
    __tablename__ = "usage_counters"

    subject: Mapped[str] = mapped_column(String(64), primary_key=True)  # salted hash, hex
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)  # "report", "duplicate_probe"
    window_start: Mapped[datetime] = mapped_column(UTCDateTime(), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, default=0)


class AppSecret(Base):
    """Secrets the bot makes for itself when the settings give none (the identity salt)."""

    __tablename__ = "app_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


def subject_key(salt: str, channel: str, external_id: str) -> str:
    return hmac.new(salt.encode(), f"{channel}:{external_id}".encode(), hashlib.sha256).hexdigest()


async def stored_salt(session: AsyncSession) -> str:
    """The salt kept in the database, made on first use (two processes starting at once agree)."""
    row = {"name": SALT_NAME, "value": secrets.token_hex(32), "created_at": utcnow()}
    await session.execute(insert_ignoring_conflicts(session, AppSecret.__table__), row)
    return await session.scalar(select(AppSecret.value).where(AppSecret.name == SALT_NAME))


async def usage(session: AsyncSession, subject: str, kind: str, window_start: datetime) -> int:
    count = await session.scalar(
        select(UsageCounter.count).where(
            UsageCounter.subject == subject,
            UsageCounter.kind == kind,
            UsageCounter.window_start == window_start,
        )
    )
    return int(count or 0)


async def add_usage(session: AsyncSession, subject: str, kind: str, window_start: datetime) -> None:
    """One more use in this window (an upsert, so concurrent steps count both)."""
    dialect = session.bind.dialect.name if session.bind else "sqlite"
    module = postgresql if dialect == "postgresql" else sqlite
    table = UsageCounter.__table__
    statement = module.insert(table).values(
        subject=subject, kind=kind, window_start=window_start, count=1
    )
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.subject, table.c.kind, table.c.window_start],
        set_={"count": table.c.count + 1},
    )
    await session.execute(statement)


async def delete_usage_before(session: AsyncSession, before: datetime) -> int:
    result = await session.execute(delete(UsageCounter).where(UsageCounter.window_start < before))
    return result.rowcount or 0
