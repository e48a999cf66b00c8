"""The tree log: plantings, the captures that show over time how many of their trees live, the
survival check-ins the bot asks for, and the name a person wants on their certificate.

A planting is what a citizen planted on one day at one place: a species, a number of trees, a point.
A capture is one look at those trees later on (a check-in answer, or one the citizen adds): how many
are alive, with an optional photo. `alive` is None when it is not known (a check-in with no answer
in 30 days is recorded so, never as dead). The survival rate of a region or a species rests on the
latest capture with a known count of each planting that has one (see `survival_rates`).

Species are data, not a table: the list below, with their names in kk/ru/en and the Latin name."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column, relationship

from storage.base import Base, UTCDateTime, utcnow
from storage.events import Event, EventSignup, EventStatus, SignupStatus
from storage.models import BigId

MAX_TREES = 10_000  # in one citizen's planting: more is a forestry operation, not a log entry
SPECIES_NAME_LENGTH = 60
NOTE_LENGTH = 500
EVENTS_OFFERED = 5  # a planting's "at which cleanup event?" lists at most this many
CERTIFICATE_NAME_LENGTH = 60


@dataclass(frozen=True, slots=True)
class Species:
    code: str
    latin: str
    kk: str
    ru: str
    en: str

    def name(self, language: str) -> str:
        return getattr(self, language, self.en)


OTHER = "other"
# Trees common in Kazakhstan's plantings and forests, the order of the list the citizen sees.
SPECIES: tuple[Species, ...] = (
    Species("elm", "Ulmus pumila", "Қарағаш", "Вяз (карагач)", "Elm"),
    Species("poplar", "Populus", "Терек", "Тополь", "Poplar"),
    Species("birch", "Betula pendula", "Қайың", "Берёза", "Birch"),
    Species("pine", "Pinus sylvestris", "Қарағай", "Сосна", "Pine"),
    Species("spruce", "Picea schrenkiana", "Шырша", "Ель", "Spruce"),
    Species("apple", "Malus sieversii", "Сиверс алмасы", "Яблоня Сиверса", "Sievers apple"),
    Species("apricot", "Prunus armeniaca", "Өрік", "Абрикос", "Apricot"),
    Species("maple", "Acer", "Үйеңкі", "Клён", "Maple"),
    Species("willow", "Salix", "Тал", "Ива", "Willow"),
    Species("ash", "Fraxinus", "Шаған", "Ясень", "Ash"),
    Species("oak", "Quercus robur", "Емен", "Дуб", "Oak"),
    Species("saxaul", "Haloxylon ammodendron", "Сексеуіл", "Саксаул", "Saxaul"),
)
SPECIES_BY_CODE = {s.code: s for s in SPECIES}


def add_months(day: date, months: int) -> date:
    """The same day `months` later (or earlier), the month's last day where it has no such day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def species_name(code: str, typed: str | None, language: str) -> str:
    """The species as the person sees it: the list's name, or the name they typed for "other"."""
    known = SPECIES_BY_CODE.get(code)
    return known.name(language) if known else (typed or code)


class CaptureSource(StrEnum):
    PLANTING = "planting"  # the photo sent when the planting was logged
    CHECKIN = "checkin"  # the answer to a survival check-in
    CITIZEN = "citizen"  # added by the citizen from the planting's card
    NO_ANSWER = "no_answer"  # a check-in not answered in time: alive unknown


class SurvivalState(StrEnum):
    """What the latest known capture says of a planting."""

    NOT_CHECKED = "not_checked"
    ALL_ALIVE = "all_alive"
    SOME_ALIVE = "some_alive"
    NONE_ALIVE = "none_alive"
    UNKNOWN = "unknown"  # the latest check-in went unanswered


class TreePlanting(Base):
    __tablename__ = "tree_plantings"
    __table_args__ = (
        Index("ix_tree_plantings_owner", "owner_id", "planted_on"),
        Index("ix_tree_plantings_region", "region_code", "planted_on"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    # NULL once the person used /forget: the trees stay in the figures, detached from them.
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    species: Mapped[str] = mapped_column(String(16))  # a code of SPECIES, or OTHER
    species_name: Mapped[str | None] = mapped_column(String(SPECIES_NAME_LENGTH))  # typed, for OTHER
    count: Mapped[int] = mapped_column(Integer)
    planted_on: Mapped[date] = mapped_column(Date)  # the day in Kazakhstan
    region_code: Mapped[str] = mapped_column(String(8))
    district_pcode: Mapped[str | None] = mapped_column(String(16))
    latitude: Mapped[float] = mapped_column(Float)
    longitude: Mapped[float] = mapped_column(Float)
    location_source: Mapped[str] = mapped_column(String(16))  # "shared" or "photo"
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The cleanup event the trees were planted at, if the planter said so (storage.events).
    event_id: Mapped[int | None] = mapped_column(ForeignKey("events.id", ondelete="SET NULL"))

    captures: Mapped[list[TreeCapture]] = relationship(
        back_populates="planting",
        cascade="all, delete-orphan",
        order_by="(TreeCapture.captured_at, TreeCapture.id)",
        lazy="selectin",
    )

    def display_species(self, language: str) -> str:
        return species_name(self.species, self.species_name, language)

    @property
    def latest_known(self) -> TreeCapture | None:
        """The latest capture after the planting that counted the living trees."""
        known = [c for c in self.captures if c.alive is not None and c.source != CaptureSource.PLANTING]
        return known[-1] if known else None

    @property
    def state(self) -> SurvivalState:
        survival = [c for c in self.captures if c.source != CaptureSource.PLANTING]
        if not survival:
            return SurvivalState.NOT_CHECKED
        alive = survival[-1].alive
        if alive is None:
            return SurvivalState.UNKNOWN
        if alive == 0:
            return SurvivalState.NONE_ALIVE
        return SurvivalState.ALL_ALIVE if alive >= self.count else SurvivalState.SOME_ALIVE

    @property
    def photos(self) -> list[TreeCapture]:
        return [c for c in self.captures if c.photo_path]


class TreeCapture(Base):
    __tablename__ = "tree_captures"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    planting_id: Mapped[int] = mapped_column(
        ForeignKey("tree_plantings.id", ondelete="CASCADE"), index=True
    )
    captured_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    source: Mapped[str] = mapped_column(String(16))
    alive: Mapped[int | None] = mapped_column(Integer)  # None: not known
    photo_path: Mapped[str | None] = mapped_column(String(255))  # relative to MEDIA_DIR
    thumb_path: Mapped[str | None] = mapped_column(String(255))
    sha256: Mapped[str | None] = mapped_column(String(64))
    added_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    planting: Mapped[TreePlanting] = relationship(back_populates="captures")


class TreeCheckin(Base):
    """One survival check-in of a planting, `months` after it was planted. The row is written in
    the transaction that queues the question, so a planting is asked once per round; the times
    drive "remind me later" (asked again at `remind_at`) and "no answer" (`expired_at`). A round
    that fell due before the planting was logged is not asked: its row has no `asked_at`."""

    __tablename__ = "tree_checkins"
    __table_args__ = (UniqueConstraint("planting_id", "months"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    planting_id: Mapped[int] = mapped_column(ForeignKey("tree_plantings.id", ondelete="CASCADE"))
    months: Mapped[int] = mapped_column(Integer)
    asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_asked_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    remind_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    expired_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    planting: Mapped[TreePlanting] = relationship()


class CertificateName(Base):
    """The name a person chose for their certificates (asked once, editable; never taken from the
    messenger account)."""

    __tablename__ = "tree_certificate_names"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(CERTIFICATE_NAME_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


# --- figures ------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class SurvivalRate:
    key: str  # a region code or a species code
    alive: int
    planted: int
    plantings: int

    @property
    def rate(self) -> float:
        return self.alive / self.planted if self.planted else 0.0


def _latest_known_captures():
    """Per planting, its latest capture with a known count (after the planting itself)."""
    known = and_(TreeCapture.alive.is_not(None), TreeCapture.source != CaptureSource.PLANTING)
    ranked = (
        select(
            TreeCapture.planting_id,
            TreeCapture.alive,
            func.row_number()
            .over(
                partition_by=TreeCapture.planting_id,
                order_by=(TreeCapture.captured_at.desc(), TreeCapture.id.desc()),
            )
            .label("rank"),
        )
        .where(known)
        .subquery()
    )
    return select(ranked.c.planting_id, ranked.c.alive).where(ranked.c.rank == 1).subquery()


async def survival_rates(
    session: AsyncSession, by: str, *, region: str | None = None
) -> list[SurvivalRate]:
    """Alive in the latest known capture ÷ planted, over the plantings that have such a capture,
    grouped `by` "region" or "species", largest base first."""
    latest = _latest_known_captures()
    key = TreePlanting.region_code if by == "region" else TreePlanting.species
    query = (
        select(
            key,
            func.sum(latest.c.alive),
            func.sum(TreePlanting.count),
            func.count(TreePlanting.id),
        )
        .join(latest, latest.c.planting_id == TreePlanting.id)
        .group_by(key)
        .order_by(func.count(TreePlanting.id).desc(), key)
    )
    if region:
        query = query.where(TreePlanting.region_code == region)
    rows = (await session.execute(query)).all()
    return [SurvivalRate(k, int(alive or 0), int(planted or 0), int(n)) for k, alive, planted, n in rows]


@dataclass(frozen=True, slots=True)
class PersonFigures:
    plantings: int
    planted: int
    surviving: int  # alive in the latest known capture, over the plantings that have one
    checked: int  # trees of plantings that have such a capture


async def person_figures(session: AsyncSession, user_id: int) -> PersonFigures:
    latest = _latest_known_captures()
    planted_row = (
        await session.execute(
            select(func.count(TreePlanting.id), func.coalesce(func.sum(TreePlanting.count), 0)).where(
                TreePlanting.owner_id == user_id
            )
        )
    ).one()
    known_row = (
        await session.execute(
            select(func.coalesce(func.sum(latest.c.alive), 0), func.coalesce(func.sum(TreePlanting.count), 0))
            .join(latest, latest.c.planting_id == TreePlanting.id)
            .where(TreePlanting.owner_id == user_id)
        )
    ).one()
    return PersonFigures(int(planted_row[0]), int(planted_row[1]), int(known_row[0]), int(known_row[1]))




async def events_planted_at(session: AsyncSession, user_id: int, start: datetime, end: datetime) -> list[Event]:
    """The cleanup events a planting may have been made at: ones the person held a place at or
    checked in to, not cancelled, beginning in [start, end)."""
    query = (
        select(Event)
        .join(EventSignup, EventSignup.event_id == Event.id)
        .where(
            EventSignup.user_id == user_id,
            or_(EventSignup.status == SignupStatus.GOING, EventSignup.checked_in_at.is_not(None)),
            Event.status != EventStatus.CANCELLED,
            Event.starts_at >= start,
            Event.starts_at < end,
        )
        .order_by(Event.starts_at)
        .limit(EVENTS_OFFERED)
    )
    return list(await session.scalars(query))
