"""Handover: new reports go to their region's queue in ONE set-based UPDATE (the claim), and are
announced as a batch in the region's moderator chat(s); a region with no moderator goes to the
national queue for admins. Regions (or districts) connected to their own systems get a delivery
per report and target (jobs.handover_targets), e-mails queued in the outbox at once. All in one transaction with the outbox rows, so a crash either hands
over and announces everything or nothing, and a second run finds nothing left to do."""

from __future__ import annotations

from collections import defaultdict

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.moderation.queue import HANDOVER_ANCHOR
from handlers.moderation.routing import Destination, Routes
from handlers.moderation.triage import report_card
from handlers.notify import Notifier
from handlers.places import area_name
from handlers.services import GEO
from handlers.types import Reply
from jobs.base import Job, JobContext
from jobs.handover_targets import plan
from storage.moderation import ReportTriage
from storage.reports import Report, ReportStatus, ReportStatusChange

async def run(job: JobContext) -> str:
    now = job.clock()
    settings = job.settings
    async with job.sessions() as session, session.begin():
        claimed = (
            await session.execute(
                update(Report)
                .where(Report.status == ReportStatus.NEW)
                .values(status=ReportStatus.QUEUED, updated_at=now)
                .returning(Report.id, Report.region_code, Report.district_pcode)
            )
        ).all()
        if not claimed:
            return "nothing to hand over"
        by_region: dict[str, list[int]] = defaultdict(list)
        for report_id, region_code, _district in claimed:
            by_region[region_code].append(report_id)
        lookup = Routes(session, settings.ADMINS)
        routes = {region: await lookup.region(region) for region in by_region}
        await session.execute(
            insert(ReportStatusChange),
            [
                {
                    "report_id": report_id,
                    "old_status": ReportStatus.NEW,
                    "new_status": ReportStatus.QUEUED,
                    "changed_by_id": None,
                    "note": "national" if routes[region][1] else None,
                    "changed_at": now,
                }
                for region, ids in by_region.items()
                for report_id in ids
            ],
        )
        await session.execute(
            insert(ReportTriage),
            [
                {
                    "report_id": report_id,
                    "national": routes[region][1],
                    "queued_at": now,
                    "disputes": 0,
                }
                for region, ids in by_region.items()
                for report_id in ids
            ],
        )
        targets = await plan(job, session, [tuple(row) for row in claimed], now)
        notify = job.notifier(session, now)
        for region, ids in by_region.items():
            await announce(job, notify, session, region, ids, routes[region][0])
    job.wake_sender()
    national = sum(len(ids) for region, ids in by_region.items() if routes[region][1])
    return (
        f"handed over {len(claimed)} reports in {len(by_region)} regions ({national} to the national queue); "
        f"{targets} deliveries to the regions' own systems"
    )


async def announce(
    job: JobContext,
    notify: Notifier,
    session: AsyncSession,
    region: str,
    ids: list[int],
    destinations: list[Destination],
) -> None:
    """A header with the count, then a card per report (up to ANNOUNCE_PER_RUN; the rest are in
    /queue: a group takes only 20 messages a minute)."""
    if not destinations:
        return
    limit = job.settings.ANNOUNCE_PER_RUN
    shown = (
        await session.scalars(select(Report).where(Report.id.in_(ids[:limit])).order_by(Report.id))
    ).all()
    geo = job.services[GEO]
    for channel, chat_id, language in destinations:
        tr = notify.translator(language)
        region_name = area_name(geo, tr.language, region, None)
        header = tr.ngettext(
            "📥 {n} new report for {region}.",
            "📥 {n} new reports for {region}.",
            len(ids),
            region=region_name,
        )
        if len(ids) > limit:
            header += "\n" + tr._("The first {shown} are below; send /queue for the others.", shown=limit)
        notify.to_chat(channel, chat_id, Reply(text=header, kind="moderation"))
        for report in shown:
            notify.to_chat(channel, chat_id, report_card(tr, report, geo))


JOBS = [
    Job(
        "handover",
        "hand new reports over to their regions' queues and announce them to moderators",
        # Anchored, so that /queue can say when the next run comes (handlers.moderation.queue).
        lambda settings: IntervalTrigger(minutes=settings.HANDOVER_EVERY_MINUTES, start_date=HANDOVER_ANCHOR),
        run,
    )
]
