"""The APScheduler (3.x) set-up of the all-in-one process: every job of JOB_MODULES on its trigger.
One instance of a job at a time; missed runs are coalesced into one (jobs catch up by design)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from jobs.base import job_modules, run_job

if TYPE_CHECKING:
    from bot.app import App


def build_scheduler(app: App) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, module in job_modules().items():
        scheduler.add_job(
            run_job,
            module.trigger(app.settings),
            args=(app, name),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
    return scheduler
