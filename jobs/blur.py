"""Public copies of photos (faces and number plates blurred) for photos that have none.

The bot makes each copy right after the step that stored the photo commits (bot/public_copies.py),
so the person's answer never waits for the detector. If the process dies in between (kill -9, a
deploy), this job finds the photos without a copy and makes them: no photo stays without one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.services import BLUR, BlurService
from jobs.base import Job, JobContext
from storage.public_photos import PublicPhoto, photos_without_public_copy, record_public_copy

log = logging.getLogger(__name__)
BATCH = 20
EVERY_MINUTES = 5


async def make_missing(
    sessions: async_sessionmaker[AsyncSession], blur: BlurService, clock: Callable[[], datetime]
) -> tuple[int, int]:
    """Make every missing public copy, a batch at a time: (made, failed). A photo whose file is
    gone or unreadable is logged and left for the next run, never blocking the others."""
    made, failed = 0, set()
    while True:
        async with sessions() as session:
            paths = [p for p in await photos_without_public_copy(session, BATCH + len(failed)) if p not in failed]
        if not paths:
            return made, len(failed)
        done = await make_copies(sessions, blur, clock, paths)
        made += len(done)
        failed.update(set(paths) - done)


async def make_copies(
    sessions: async_sessionmaker[AsyncSession], blur: BlurService, clock: Callable[[], datetime], paths: list[str]
) -> set[str]:
    """The public copies of these stored photos (one that has one already is made again: the
    moderators' extra boxes are kept); the paths done."""
    done = set()
    for path in paths:
        try:
            async with sessions() as session:
                row = await session.get(PublicPhoto, path)
                extra, whole = (list(row.extra), row.whole) if row else ([], False)
            public_path, found = await blur.make(path, extra, whole=whole)
        except (OSError, ValueError) as exc:
            log.warning("no public copy of %s: %s", path, exc)
            continue
        async with sessions() as session, session.begin():
            await record_public_copy(session, path, public_path, found, now=clock())
        done.add(path)
    return done


async def make_public_copies(job: JobContext) -> str:
    made, failed = await make_missing(job.sessions, job.services[BLUR], job.clock)
    return f"{made} public copies made" + (f", {failed} photos unreadable" if failed else "")


JOBS = [
    Job(
        "public_photos",
        "make the blurred public copy of every photo that has none (after a crash)",
        lambda _settings: IntervalTrigger(minutes=EVERY_MINUTES),
        make_public_copies,
    )
]
