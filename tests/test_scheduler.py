"""The all-in-one process schedules every job of JOB_MODULES on its trigger."""

from __future__ import annotations

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from jobs.scheduler import build_scheduler


async def test_every_job_is_scheduled(app) -> None:
    scheduler = build_scheduler(app)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {"handover", "escalation", "still_there", "digest", "trees"}
    handover = jobs["handover"].trigger
    assert isinstance(handover, IntervalTrigger)
    assert handover.interval.total_seconds() == app.settings.HANDOVER_EVERY_MINUTES * 60
    assert isinstance(jobs["digest"].trigger, CronTrigger)
    assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
