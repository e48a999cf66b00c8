"""The bot's HTTP endpoints on one aiohttp application: `/healthz` (bot/health.py), and whatever the
configured channels and features add through `web_setups` (the WhatsApp webhook now; the Telegram
webhook, Open311 and more health checks later). A setup adds its routes and its start-up and
clean-up hooks to the application, and may add its channel to the `App`."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aiohttp import web

from bot.app import App
from bot.config import ConfigError, Settings
from bot.health import healthz
from bot.ratelimit import WindowCounter
from bot.web_keys import APP_KEY, SIGNED_PATHS

log = logging.getLogger(__name__)

WebSetup = Callable[[web.Application, App], None]
MAX_REQUEST_BYTES = 1024 * 1024  # webhooks are small forms or JSON
# The public page's own files (fixed, cached by the browser): one page view loads seven of them,
# which would spend an office's shared address's limit on a few views.
STATIC_PREFIX = "/static/"


def web_setups(settings: Settings) -> list[WebSetup]:
    """The route groups this configuration serves."""
    from bot.open311 import add_routes as open311_routes
    from bot.public_site import add_routes as public_site_routes

    setups: list[WebSetup] = [open311_routes, public_site_routes]  # read-only open data, always served
    if settings.twilio_enabled:
        from bot.channels.whatsapp import setup_whatsapp

        setups.append(setup_whatsapp)
    if settings.telegram_webhook:
        from bot.telegram_webhook import setup_telegram_webhook

        setups.append(setup_telegram_webhook)
    from bot.metrics import setup_metrics

    setups.append(setup_metrics)
    return setups


def create_web_app(app: App) -> web.Application:
    limiter = ClientLimiter(app)
    web_app = web.Application(client_max_size=MAX_REQUEST_BYTES, middlewares=[json_errors, limiter.middleware])
    web_app[APP_KEY] = app
    web_app[SIGNED_PATHS] = set()
    web_app.router.add_get("/healthz", healthz)
    for setup in web_setups(app.settings):
        setup(web_app, app)
    return web_app


@web.middleware
async def json_errors(request: web.Request, handler) -> web.StreamResponse:
    """Every refusal is a short JSON body (`{"error": ...}`), never a traceback or an HTML page;
    what escapes a handler is logged and answered 500 with no detail."""
    try:
        return await handler(request)
    except web.HTTPException as exc:
        if exc.status < 400 or exc.content_type == "application/json":
            raise
        return web.json_response({"error": exc.reason.lower()}, status=exc.status, headers=_kept(exc))
    except (UnicodeDecodeError, LookupError, ValueError) as exc:  # undecodable query or form
        log.info("refused a malformed request to %s: %s", request.path[:100], type(exc).__name__)
        return web.json_response({"error": "malformed request"}, status=400)
    except Exception:
        log.exception("request to %s failed", request.path[:100])
        return web.json_response({"error": "internal error"}, status=500)


def _kept(exc: web.HTTPException) -> dict[str, str]:
    return {k: v for k, v in exc.headers.items() if k in ("Retry-After", "Allow")}


class ClientLimiter:
    """At most PUBLIC_REQUESTS_PER_MINUTE requests a minute per client address on the public
    endpoints (Open311, media, health). Behind a reverse proxy listed in TRUSTED_PROXIES the
    client is the last address of X-Forwarded-For that is not a trusted proxy."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.counter = WindowCounter(app.settings.PUBLIC_REQUESTS_PER_MINUTE)
        self.proxies = set(app.settings.TRUSTED_PROXIES)

    def client(self, request: web.Request) -> str:
        remote = request.remote or "?"
        if remote not in self.proxies:
            return remote
        hops = [h.strip() for h in request.headers.get("X-Forwarded-For", "").split(",") if h.strip()]
        for hop in reversed(hops):
            if hop not in self.proxies:
                return hop[:64]
        return remote

    @web.middleware
    async def middleware(self, request: web.Request, handler) -> web.StreamResponse:
        if request.path in request.app[SIGNED_PATHS] or request.path.startswith(STATIC_PREFIX):
            return await handler(request)
        now = self.app.engine.clock().timestamp()
        if self.counter.hit(self.client(request), now) > self.counter.limit:
            return web.json_response(
                {"error": "too many requests"},
                status=429,
                headers={"Retry-After": str(self.counter.retry_after(now))},
            )
        return await handler(request)


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
