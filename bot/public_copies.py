"""Makes public copies right after a step that stored a photo commits, in the background: the
person's answer is already on its way, and the detector (a few hundred ms) never delays it.

The photo store lists what it ingested (a report's photo is stored while the report is still a
draft); a commit after new photos starts one background run that makes their copies (a run already
going takes the new ones next). What a crash interrupts, the `public_photos` job finishes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.photos import PhotoStore
from handlers.services import BlurService
from jobs.blur import make_copies

log = logging.getLogger(__name__)


class PublicCopies:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        photos: PhotoStore,
        blur: BlurService,
        clock: Callable[[], datetime],
    ) -> None:
        self.sessions, self.photos, self.blur, self.clock = sessions, photos, blur, clock
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        """After every commit (Engine.after_commit): start a run if photos came in."""
        if not self.photos.ingested or (self._task is not None and not self._task.done()):
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while self.photos.ingested:
            paths = list(dict.fromkeys(self.photos.ingested))
            self.photos.ingested.clear()
            try:
                await make_copies(self.sessions, self.blur, self.clock, paths)
            except Exception:  # the job makes what is left; a failure here must not kill the loop
                log.exception("making public copies failed")

    async def idle(self) -> None:
        """Wait for the run in progress (tests)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)

    async def close(self) -> None:
        """At shutdown: stop the run; the job makes what is left."""
        if self._task is not None and not self._task.done():
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
