"""Retention: processed incoming and finished outgoing messages older than RETENTION_DAYS, usage
counters of past days, and /mydata copies Twilio never fetched (24 h at most) are deleted."""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import KZ_TZ
from jobs.base import Job, JobContext
from storage.files import OUTGOING_DIR, delete_older_than
from storage.limits import delete_usage_before
from storage.retention import delete_finished_outbox, delete_processed_inbox

BATCH = 1000
DOCUMENTS_MAX_AGE = timedelta(hours=24)
COUNTERS_MAX_AGE = timedelta(days=2)  # a day's counter is needed for that day only


async def _in_batches(job: JobContext, delete: Callable[[AsyncSession], Awaitable[int]]) -> int:
    total = 0
    while True:
        async with job.sessions() as session, session.begin():
            deleted = await delete(session)
        total += deleted
        if deleted < BATCH:
            return total


async def run(job: JobContext) -> str:
    now: datetime = job.clock()
    before = now - timedelta(days=job.settings.RETENTION_DAYS)
    inbox = await _in_batches(job, lambda s: delete_processed_inbox(s, before, BATCH))
    outbox = await _in_batches(job, lambda s: delete_finished_outbox(s, before, BATCH))
    async with job.sessions() as session, session.begin():
        counters = await delete_usage_before(session, now - COUNTERS_MAX_AGE)
    media_dir: Path = job.settings.MEDIA_DIR
    files = delete_older_than(media_dir / OUTGOING_DIR, time.time() - DOCUMENTS_MAX_AGE.total_seconds())
    return f"deleted {inbox} incoming, {outbox} outgoing messages, {counters} counters, {files} files"


JOBS = [
    Job(
        "retention",
        "delete old processed messages, sent messages, usage counters and leftover /mydata files",
        lambda settings: CronTrigger(hour=3, minute=40, timezone=KZ_TZ),  # at night, when few people write
        run,
    )
]
