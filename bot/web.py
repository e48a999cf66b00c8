"""The bot's HTTP endpoints on one aiohttp application: `/healthz` here, and whatever the
configured channels and features add through `web_setups` (the WhatsApp webhook now; the Telegram
webhook, Open311 and more health checks later). A setup adds its routes and its start-up and
clean-up hooks to the application, and may add its channel to the `App`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web
from sqlalchemy import text

from bot.app import App
from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)

APP_KEY = web.AppKey("taza_app", App)
WebSetup = Callable[[web.Application, App], None]
MAX_REQUEST_BYTES = 1024 * 1024  # webhooks are small forms or JSON


def web_setups(settings: Settings) -> list[WebSetup]:
    """The route groups this configuration serves."""
    from bot.open311 import add_routes as open311_routes

    setups: list[WebSetup] = [open311_routes]  # read-only open data, always served
    if settings.twilio_enabled:
        from bot.channels.whatsapp import setup_whatsapp

        setups.append(setup_whatsapp)
    return setups


def create_web_app(app: App) -> web.Application:
    web_app = web.Application(client_max_size=MAX_REQUEST_BYTES)
    web_app[APP_KEY] = app
    web_app.router.add_get("/healthz", healthz)
    for setup in web_setups(app.settings):
        setup(web_app, app)
    return web_app


async def healthz(request: web.Request) -> web.Response:
    """200 when the process answers and the database does; 503 otherwise."""
    app = request.app[APP_KEY]
    try:
        async with app.sessions() as session:
            await session.execute(text("SELECT 1"))
    except Exception as exc:
        log.error("health check: database unavailable: %s", exc)
        return web.json_response({"status": "error", "database": "unavailable"}, status=503)
    return web.json_response({"status": "ok"})


async def serve_web(web_app: web.Application, host: str, port: int) -> None:
    """Serve until cancelled, then run the application's clean-up hooks."""
    runner = web.AppRunner(web_app, access_log=None)
    await runner.setup()
    try:
        try:
            await web.TCPSite(runner, host, port).start()
        except OSError as exc:  # the port is taken or the address is not ours: say which setting
            raise ConfigError(
                f"Configuration error: WEB_HOST/WEB_PORT: cannot listen on {host}:{port}: {exc.strerror}"
            ) from None
        log.info("web server on http://%s:%s", host, port)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()
