"""Everything in one process: Telegram polling when BOT_TOKEN is set, the web server (WhatsApp
webhook) when Twilio is configured, otherwise the console chat."""

from __future__ import annotations

import argparse
import logging

from bot.app import App, create_app
from bot.commands.console import run_console
from bot.config import Settings, load_settings
from bot.lifecycle import run_until_stopped
from handlers.moderation.coverage import coverage_warnings
from handlers.services import GEO

log = logging.getLogger(__name__)

NAME = "run"
HELP = (
    "run the bot (the default): Telegram with BOT_TOKEN, the WhatsApp webhook with Twilio settings, "
    "otherwise the console chat"
)


def configure(parser: argparse.ArgumentParser) -> None:
    pass


def run(args: argparse.Namespace) -> object:
    settings = load_settings()
    if not settings.BOT_TOKEN and not settings.twilio_enabled:
        return run_console(settings, "local")
    return serve(settings)


async def serve(settings: Settings) -> int:
    app = await create_app(settings)
    await warn_about_coverage(app)
    return await run_until_stopped(app, background_tasks(app))


async def warn_about_coverage(app: App) -> list[str]:
    """Log, at start-up, the regions whose reports no moderator sees and an empty admin list."""
    async with app.sessions() as session:
        warnings = await coverage_warnings(session, app.engine.router.services[GEO].regions, app.settings.ADMINS)
    for warning in warnings:
        log.warning("moderation: %s", warning)
    return warnings


def background_tasks(app: App) -> list:
    """The long-running parts for this configuration."""
    from bot.commands.worker import run_worker
    from bot.lease import WorkerLease

    # The jobs under the same lease as `python -m bot worker`: never two schedulers at once.
    lease = WorkerLease(app.db, app.sessions, app.engine.clock, ttl=app.settings.WORKER_LEASE_SECONDS)
    tasks = [app.sender.run(), run_worker(app, lease)]
    if app.settings.BOT_TOKEN and not app.settings.telegram_webhook:  # else the web server receives
        from bot.channels.telegram import run_telegram

        tasks.append(run_telegram(app))
    # The web server always runs beside the bots: Open311 and /healthz, and the WhatsApp webhook
    # when Twilio is configured.
    from bot.commands.web import web_server

    tasks.append(web_server(app))
    return tasks
