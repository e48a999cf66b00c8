"""Escalation: a report left untriaged (queued or disputed) for ESCALATION_HOURS (an urgent
hazard: URGENT_ESCALATION_MINUTES, handlers.sites.hazards) is announced
again in its region's chat(s), which also see how many of their reports are overdue, and is
escalated to the admins. `escalated_at` is set in the same transaction: once per queueing."""

from __future__ import annotations

from collections import defaultdict
from datetime import timedelta

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import and_, func, or_, select, update

from handlers.moderation.routing import Routes
from handlers.moderation.triage import UNTRIAGED, report_card
from handlers.places import area_name
from handlers.services import GEO
from handlers.sites.hazards import URGENT_ESCALATION_MINUTES
from handlers.types import Reply
from jobs.base import Job, JobContext
from storage.moderation import ReportTriage
from storage.reports import Report

async def run(job: JobContext) -> str:
    now = job.clock()
    settings = job.settings
    cutoff = now - timedelta(hours=settings.ESCALATION_HOURS)
    urgent_cutoff = now - timedelta(minutes=URGENT_ESCALATION_MINUTES)  # fire, smoke, spills
    overdue_filter = (
        Report.status.in_(UNTRIAGED),
        or_(ReportTriage.queued_at <= cutoff, and_(Report.urgent.is_(True), ReportTriage.queued_at <= urgent_cutoff)),
    )
    async with job.sessions() as session, session.begin():
        due = (
            await session.scalars(
                select(Report)
                .join(ReportTriage, ReportTriage.report_id == Report.id)
                .where(*overdue_filter, ReportTriage.escalated_at.is_(None))
                .order_by(Report.id)
                .with_for_update(of=ReportTriage)
            )
        ).all()
        if not due:
            return "nothing overdue"
        await session.execute(
            update(ReportTriage)
            .where(ReportTriage.report_id.in_([r.id for r in due]))
            .values(escalated_at=now)
        )
        overdue_counts = dict(
            (
                await session.execute(
                    select(Report.region_code, func.count())
                    .join(ReportTriage, ReportTriage.report_id == Report.id)
                    .where(*overdue_filter)
                    .group_by(Report.region_code)
                )
            ).all()
        )
        by_region: dict[str, list[Report]] = defaultdict(list)
        for report in due:
            by_region[report.region_code].append(report)
        geo = job.services[GEO]
        hours = int(settings.ESCALATION_HOURS)
        routes = Routes(session, settings.ADMINS)
        notify = job.notifier(session, now)
        for region, reports in by_region.items():
            destinations, national = await routes.region(region)
            if national:
                continue  # the admins see these below
            for channel, chat_id, language in destinations:
                tr = notify.translator(language)
                text = tr.ngettext(
                    "⏰ {n} report of this region has waited for triage longer than {hours} h.",
                    "⏰ {n} reports of this region have waited for triage longer than {hours} h.",
                    overdue_counts.get(region, len(reports)),
                    hours=hours,
                )
                notify.to_chat(channel, chat_id, Reply(text=text, kind="moderation"))
                for report in reports[: settings.ANNOUNCE_PER_RUN]:
                    header = tr._("⏰ Overdue")
                    if report.urgent:
                        header = tr._("⏰ Overdue: an urgent hazard untriaged for {minutes} min", minutes=URGENT_ESCALATION_MINUTES)
                    notify.to_chat(channel, chat_id, report_card(tr, report, geo, header=header))
        for channel, chat_id, language in await routes.national():
            tr = notify.translator(language)
            lines = [tr._("⏰ Escalated: reports untriaged for longer than {hours} h:", hours=hours)]
            for region, reports in sorted(by_region.items()):
                name = area_name(geo, tr.language, region, None)
                codes = ", ".join(("🚨" if r.urgent else "") + r.code for r in reports[:10]) + (" …" if len(reports) > 10 else "")
                lines.append(f"• {name}: {len(reports)} ({codes})")
            notify.to_chat(channel, chat_id, Reply(text="\n".join(lines), kind="moderation"))
    job.wake_sender()
    return f"escalated {len(due)} reports in {len(by_region)} regions"


JOBS = [
    Job(
        "escalation",
        "re-announce reports untriaged for too long and escalate them to admins",
        # Every 10 minutes: an urgent report is overdue after URGENT_ESCALATION_MINUTES.
        lambda settings: IntervalTrigger(minutes=10),
        run,
    )
]
