""""Still there?": 30 days after a report was confirmed and not cleaned, its reporter is asked for
a new photo or to say it has been cleaned. `still_there_asked_at` is set in the same transaction
as the question is queued, so each report is asked once."""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from handlers.i18n import KZ_TZ, Translator
from handlers.reports.labels import report_page, status_update
from handlers.services import GEO, GeoService
from handlers.types import Choice, Reply
from handlers.moderation.triage import StillTherePress
from jobs.base import Job, JobContext
from storage.moderation import ReportTriage
from storage.reports import Report, ReportStatus

AFTER_DAYS = 30


async def run(job: JobContext) -> str:
    now = job.clock()
    asked = 0
    async with job.sessions() as session, session.begin():
        rows = (
            await session.execute(
                select(Report, ReportTriage)
                .join(ReportTriage, ReportTriage.report_id == Report.id)
                .where(
                    Report.status.in_((ReportStatus.CONFIRMED, ReportStatus.IN_PROGRESS)),
                    ReportTriage.confirmed_at <= now - timedelta(days=AFTER_DAYS),
                    ReportTriage.still_there_asked_at.is_(None),
                )
                .order_by(Report.id)
                .with_for_update(of=ReportTriage)
            )
        ).all()
        notify = job.notifier(session, now)
        geo: GeoService = job.services[GEO]
        for report, triage in rows:
            triage.still_there_asked_at = now
            if await notify.to_user(report.reporter_id, partial(question, report=report, geo=geo, page=report_page(job.services, report))):
                asked += 1
    job.wake_sender()
    return f"asked {asked} reporters"


def question(tr: Translator, report: Report, geo: GeoService, page: str | None = None) -> Reply:
    return status_update(
        tr,
        geo,
        report,
        tr._(
            "Your report {code} was confirmed a month ago and is not marked as cleaned yet. "
            "Is the dump still there?",
            code=report.code,
        ),
        (
            Choice(StillTherePress(report.id, "photo").id, tr._("📸 Still there: send a new photo")),
            Choice(StillTherePress(report.id, "cleaned").id, tr._("✅ It has been cleaned")),
        ),
        page=page,
    )


JOBS = [
    Job(
        "still_there",
        "ask reporters whether dumps confirmed 30 days ago and not cleaned are still there",
        lambda settings: CronTrigger(hour=10, minute=30, timezone=KZ_TZ),  # mid-morning, not at night
        run,
    )
]
