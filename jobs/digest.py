"""The daily digest per region, posted in the region's moderator chat(s): counts by status (with
disputes), the oldest open reports, a map of the region (districts, cities, the open reports as dots
coloured by status, with a legend, title and date) and the /stats chart of the region, both in the
chat's language, drawn by the CHARTS service. A region's digest is sent once a day (`job_runs`), so
running the job twice is harmless."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select

from handlers.i18n import KZ_TZ
from handlers.moderation.routing import Routes
from handlers.places import area_name
from handlers.reports.labels import status_name
from handlers.services import CHARTS, GEO, RegionMap
from handlers.stats.texts import stats_chart
from handlers.types import Reply
from jobs.base import Job, JobContext
from storage.db import insert_ignoring_conflicts
from storage.files import private_dir, write_private
from storage.handover import delivery_counts
from storage.models import JobRun
from storage.moderation import ReportTriage, all_chats
from storage.reports import OPEN_STATUSES, Report, ReportStatus
from storage.stats import figures

NAME = "digest"  # also the job's name in `job_runs`
OLDEST = 5


async def run(job: JobContext) -> str:
    now = job.clock()
    day = now.astimezone(KZ_TZ).date().isoformat()
    media_dir = job.settings.MEDIA_DIR
    geo = job.services[GEO]
    sent = 0
    async with job.sessions() as session, session.begin():
        regions = sorted({chat.region_code for chat in await all_chats(session)} & set(geo.regions))
        routes = Routes(session, job.settings.ADMINS)
        notify = job.notifier(session, now)
        charts = job.services[CHARTS]
        for region in regions:
            claimed = await session.execute(
                insert_ignoring_conflicts(session, JobRun.__table__), {"job": NAME, "key": f"{region}:{day}", "done_at": now}
            )
            if claimed.rowcount != 1:
                continue  # already sent today
            destinations, national = await routes.region(region)
            if national:
                continue
            counts = dict(
                (
                    await session.execute(
                        select(Report.status, func.count()).where(Report.region_code == region).group_by(Report.status)
                    )
                ).all()
            )
            disputes = await session.scalar(
                select(func.coalesce(func.sum(ReportTriage.disputes), 0))
                .join(Report, Report.id == ReportTriage.report_id)
                .where(Report.region_code == region)
            )
            open_filter = (Report.region_code == region, Report.status.in_(OPEN_STATUSES))
            oldest = (
                await session.scalars(select(Report).where(*open_filter).order_by(Report.created_at, Report.id).limit(OLDEST))
            ).all()
            points = tuple(
                (lat, lon, status)
                for lat, lon, status in (
                    await session.execute(
                        select(Report.latitude, Report.longitude, Report.status).where(
                            *open_filter, Report.latitude.is_not(None)
                        )
                    )
                ).all()
            )
            found = await figures(session, region, now)
            handed = sum((await delivery_counts(session, region))[0].values(), Counter())
            private_dir(media_dir / "digests")
            pictures: dict[str, tuple[str, str]] = {}  # language -> (map, chart)
            for channel, chat_id, language in destinations:
                tr = notify.translator(language)
                name = area_name(geo, tr.language, region, None)
                if tr.language not in pictures:
                    drawn = {status for _lat, _lon, status in points}
                    region_map = RegionMap(
                        language=tr.language,
                        region_code=region,
                        title=tr._("Open reports: {region}", region=name),
                        subtitle=tr.date(now),
                        legend=tuple((str(s), status_name(tr, s)) for s in ReportStatus if s in drawn),
                        points=points,
                    )
                    paths = (f"digests/{region}-{day}-{tr.language}-map.png", f"digests/{region}-{day}-{tr.language}-chart.png")
                    write_private(media_dir / paths[0], await charts.region_map(region_map))
                    write_private(media_dir / paths[1], await charts.stats(stats_chart(tr, name, tr.date(now), found)))
                    pictures[tr.language] = paths
                picture, chart = pictures[tr.language]
                lines = [tr._("📊 Daily digest: {region}, {date}", region=name, date=tr.date(now))]
                for status in ReportStatus:
                    if counts.get(status):
                        lines.append(f"• {status_name(tr, status)}: {counts[status]}")
                lines.append(tr._("Disputed cleanups: {count}", count=disputes))
                if handed:
                    lines.append(tr._(
                        "Handed over to the region's own systems: {delivered} delivered, {pending} waiting, "
                        "{failing} being retried, {failed} given up",
                        delivered=handed["delivered"], pending=handed["pending"],
                        failing=handed["failing"], failed=handed["failed"],
                    ))  # fmt: skip
                if oldest:
                    lines.append(tr._("Oldest open reports:"))
                    for report in oldest:
                        age = max(0, (now - report.created_at) // timedelta(days=1))
                        lines.append(
                            "• "
                            + tr.ngettext(
                                "{code}: {status}, {n} day",
                                "{code}: {status}, {n} days",
                                age,
                                code=report.code,
                                status=status_name(tr, report.status),
                            )
                        )
                notify.to_chat(channel, chat_id, Reply(text="\n".join(lines), photo_path=picture, kind="digest"))
                notify.to_chat(channel, chat_id, Reply(text=tr._("📈 {region} in figures", region=name), photo_path=chart, kind="digest"))
            sent += 1
    job.wake_sender()
    return f"digests for {sent} regions"


JOBS = [
    Job(
        NAME,
        "post each region's daily digest with a map of its open reports",
        lambda settings: CronTrigger(hour=9, minute=0, timezone=KZ_TZ),
        run,
    )
]
