"""Survival check-ins of plantings: `TREE_CHECKIN_MONTHS` (6 and 12) months after a planting, its
planter is asked through the outbox how many of the trees are alive. «Remind me later» asks again
a week on; a question left unanswered for 30 days is recorded as a capture with an unknown count,
never as dead trees.

Each run looks at the database as it is: a check-in row is written in the transaction that queues
its question, and every later change to it (asked again, expired) with the message it causes, so
running twice or after a crash asks nothing twice."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import and_, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import KZ_TZ, Translator
from handlers.notify import Notifier
from handlers.places import area_name
from handlers.services import GEO, GeoService
from handlers.trees.capture import CheckinPress
from handlers.types import Choice, Reply
from jobs.base import Job, JobContext
from storage.trees import CaptureSource, TreeCapture, TreeCheckin, TreePlanting, add_months

NO_ANSWER_AFTER = timedelta(days=30)


async def run(job: JobContext) -> str:
    now = job.clock()
    today = now.astimezone(KZ_TZ).date()
    geo: GeoService = job.services[GEO]
    async with job.sessions() as session, session.begin():
        notify = job.notifier(session, now)
        asked = 0
        for months in sorted(set(job.settings.TREE_CHECKIN_MONTHS)):
            asked += await _ask_new_rounds(notify, geo, session, months, today, now)
        reminded = await _remind(notify, geo, session, now)
        expired = await _expire(session, now)
    job.wake_sender()
    return f"asked {asked}, reminded {reminded}, recorded {expired} unanswered"


async def _ask_new_rounds(
    notify: Notifier, geo: GeoService, session: AsyncSession, months: int, today: date, now: datetime
) -> int:
    handled = exists().where(TreeCheckin.planting_id == TreePlanting.id, TreeCheckin.months == months)
    due = (
        await session.scalars(
            select(TreePlanting)
            .where(
                TreePlanting.owner_id.is_not(None),
                TreePlanting.planted_on <= add_months(today, -months),
                ~handled,
            )
            .order_by(TreePlanting.id)
            .with_for_update()
        )
    ).all()
    asked = 0
    for planting in due:
        logged_on = planting.created_at.astimezone(KZ_TZ).date()
        if add_months(planting.planted_on, months) <= logged_on:  # logged after this round was due
            session.add(TreeCheckin(planting_id=planting.id, months=months))
            continue
        session.add(TreeCheckin(planting_id=planting.id, months=months, asked_at=now, last_asked_at=now))
        asked += await _ask(notify, geo, planting, months)
    return asked


async def _remind(notify: Notifier, geo: GeoService, session: AsyncSession, now: datetime) -> int:
    rows = (
        await session.scalars(
            select(TreeCheckin)
            # An expired check-in is asked again too when the person asked for it late; its
            # "unknown" capture stays the only one (`_expire` skips it).
            .where(TreeCheckin.remind_at <= now, TreeCheckin.answered_at.is_(None))
            .order_by(TreeCheckin.id)
            .with_for_update()
        )
    ).all()
    reminded = 0
    for checkin in rows:
        checkin.remind_at, checkin.last_asked_at = None, now
        planting = await session.get(TreePlanting, checkin.planting_id)
        if planting is not None and planting.owner_id is not None:
            reminded += await _ask(notify, geo, planting, checkin.months)
    return reminded


async def _expire(session: AsyncSession, now: datetime) -> int:
    rows = (
        await session.scalars(
            select(TreeCheckin)
            .where(
                and_(
                    TreeCheckin.last_asked_at <= now - NO_ANSWER_AFTER,
                    TreeCheckin.answered_at.is_(None),
                    TreeCheckin.expired_at.is_(None),
                    TreeCheckin.remind_at.is_(None),
                )
            )
            .order_by(TreeCheckin.id)
            .with_for_update()
        )
    ).all()
    for checkin in rows:
        checkin.expired_at = now
        session.add(
            TreeCapture(planting_id=checkin.planting_id, captured_at=now, source=CaptureSource.NO_ANSWER, alive=None)
        )
    return len(rows)


async def _ask(notify: Notifier, geo: GeoService, planting: TreePlanting, months: int) -> int:
    return int(await notify.to_user(planting.owner_id, partial(question, planting=planting, months=months, geo=geo)))


def question(tr: Translator, planting: TreePlanting, months: int, geo: GeoService) -> Reply:
    place = area_name(geo, tr.language, planting.region_code, None)
    return Reply(
        text=tr.ngettext(
            "🌳 {n} month ago you planted {species} × {count} ({place}, {date}). How many of these "
            "trees are alive now? Your answer shows which trees take root in Kazakhstan.",
            "🌳 {n} months ago you planted {species} × {count} ({place}, {date}). How many of these "
            "trees are alive now? Your answer shows which trees take root in Kazakhstan.",
            months,
            species=planting.display_species(tr.language),
            count=planting.count,
            place=place,
            date=tr.day(planting.planted_on),
        ),
        choices=(
            Choice(CheckinPress("answer", planting.id, months).id, tr._("✍️ Answer")),
            Choice(CheckinPress("later", planting.id, months).id, tr._("⏰ Remind me in a week")),
        ),
        kind="reminder",
    )


JOBS = [
    Job(
        "trees",
        "ask planters 6 and 12 months on how many of their trees are alive; record unanswered check-ins",
        lambda settings: CronTrigger(hour=11, minute=0, timezone=KZ_TZ),  # late morning, Kazakhstan time
        run,
    )
]
