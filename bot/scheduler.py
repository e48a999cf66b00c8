"""The jobs' side of the composition root: each job of `jobs.JOBS` gets a `JobContext` built from
the app, and APScheduler (3.x) runs them in the all-in-one process. One instance of a job at a
time; missed runs are coalesced into one (jobs catch up by design)."""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import datetime, timezone

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.app import App
from bot.geo import GEODATA_DIR
from jobs import JOBS
from jobs.base import Job, JobContext
from storage.operations import record_job_run

log = logging.getLogger(__name__)


def jobs_by_name() -> dict[str, Job]:
    found: dict[str, Job] = {}
    for job in JOBS:
        if job.name in found:
            raise ValueError(f"job {job.name} is listed twice")
        found[job.name] = job
    return found


def job_context(app: App) -> JobContext:
    return JobContext(
        sessions=app.sessions,
        clock=app.engine.clock,
        settings=app.settings,
        services=app.engine.router.services,
        translators=app.engine.translators,
        geodata_dir=GEODATA_DIR,
        wake_sender=app.sender.wake,
    )


async def run_job(app: App, name: str) -> str:
    """Run one job now, then wake the outbox sender for what it queued. The summary says how many
    people could not be written to because they used /forget."""
    context = job_context(app)
    started, clock = app.engine.clock(), time.perf_counter()
    try:
        summary = await jobs_by_name()[name].run(context)
    except Exception as exc:
        await _record(app, name, started, time.perf_counter() - clock, f"{type(exc).__name__}: {exc}"[:2000])
        raise
    await _record(app, name, started, time.perf_counter() - clock, None)
    if context.unreachable:
        summary += f"; {context.unreachable} unreachable (no chat left after /forget)"
    app.sender.wake()
    log.info("job %s: %s", name, summary)
    return summary


async def _record(app: App, name: str, started: datetime, duration: float, error: str | None) -> None:
    """The job's last run, for /metrics (a failure to record it never fails the job)."""
    try:
        async with app.sessions() as session, session.begin():
            await record_job_run(session, name, started, duration, error)
    except Exception:
        log.exception("could not record the run of job %s", name)


def build_scheduler(app: App) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone="UTC")
    for name, job in jobs_by_name().items():
        scheduler.add_job(
            run_job,
            job.trigger(app.settings),
            args=(app, name),
            id=name,
            name=name,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=3600,
        )
    return scheduler


async def run_scheduler(app: App) -> None:
    """The scheduled jobs (jobs/), for as long as the process runs."""
    scheduler = build_scheduler(app)
    scheduler.start()
    # Photos a crash (kill -9) left without their blurred public copy get it now, not in 5 minutes.
    scheduler.modify_job("public_photos", next_run_time=datetime.now(timezone.utc))
    try:
        await asyncio.Event().wait()
    finally:
        scheduler.shutdown(wait=False)
