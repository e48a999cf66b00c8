"""Makes public copies right after a step that stored a photo commits, in the background: the
person's answer is already on its way, and the detector (a few hundred ms) never delays it.

The photo store counts what it ingested; a commit after new photos starts one background run of
`jobs.blur.make_missing` (a run already going is asked to go round once more). What a crash
interrupts, the `public_photos` job finishes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.photos import PhotoStore
from handlers.services import BlurService
from jobs.blur import make_missing

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
        self._seen = photos.ingested
        self._task: asyncio.Task | None = None
        self._again = False

    def wake(self) -> None:
        """After every commit (Engine.after_commit): start a run if photos came in since the last."""
        if self.photos.ingested == self._seen:
            return
        self._seen = self.photos.ingested
        if self._task is not None and not self._task.done():
            self._again = True
            return
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def _run(self) -> None:
        while True:
            self._again = False
            try:
                await make_missing(self.sessions, self.blur, self.clock)
            except Exception:  # the job retries; a failure here must not kill the loop
                log.exception("making public copies failed")
            if not self._again:
                return

    async def idle(self) -> None:
        """Wait for the run in progress (tests, shutdown)."""
        while self._task is not None and not self._task.done():
            await asyncio.shield(self._task)
