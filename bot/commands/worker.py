"""`python -m bot worker`: the scheduled jobs and the outbox sender, in their own process.

Several workers may be started (one per host, a spare): one holds the jobs lease and runs the
jobs, the others wait and say so, and take over when the holder dies. Every worker's outbox sender
claims rows with FOR UPDATE SKIP LOCKED, so web processes and workers send side by side."""

from __future__ import annotations

import argparse
import asyncio
import logging

from bot.app import App, create_app
from bot.config import load_settings
from bot.lease import WorkerLease
from bot.lifecycle import run_until_stopped
from bot.scheduler import run_scheduler

log = logging.getLogger(__name__)

NAME = "worker"
HELP = "run the scheduled jobs (one worker at a time, through a lease) and the outbox sender"


def configure(parser: argparse.ArgumentParser) -> None:
    pass


async def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    app = await create_app(settings)
    add_sending_channels(app)
    lease = WorkerLease(app.db, app.sessions, app.engine.clock, ttl=settings.WORKER_LEASE_SECONDS)
    return await run_until_stopped(app, [app.sender.run(), run_worker(app, lease)])


def add_sending_channels(app: App) -> None:
    """The channels this process sends through without receiving (no polling, no webhook)."""
    settings = app.settings
    if settings.BOT_TOKEN:
        from bot.channels.telegram import TelegramChannel, build_bot

        app.add_channel(TelegramChannel.from_settings(build_bot(settings), settings))
    if settings.twilio_enabled:
        from bot.channels.whatsapp import WhatsAppChannel

        app.add_channel(WhatsAppChannel(settings, app.sessions, clock=app.engine.clock))


async def run_worker(app: App, lease: WorkerLease) -> None:
    """Wait for the lease, then run the jobs for as long as it is held."""
    await lease.acquire()
    try:
        await asyncio.gather(lease.keep(), run_scheduler(app))
    finally:
        await lease.release()
