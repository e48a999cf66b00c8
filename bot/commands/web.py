"""`python -m bot web`: the HTTP endpoints (Telegram and WhatsApp webhooks, health) and the outbox sender."""

from __future__ import annotations

import argparse

from bot.app import App, create_app
from bot.config import load_settings
from bot.lifecycle import run_until_stopped
from bot.web import create_web_app, serve_web

NAME = "web"
HELP = (
    "serve the bot's HTTP endpoints (Telegram and WhatsApp webhooks, Open311, /healthz, /metrics) "
    "on WEB_HOST:WEB_PORT"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", help="listen on this address (default: WEB_HOST)")
    parser.add_argument("--port", type=int, help="listen on this port (default: WEB_PORT)")


async def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    app = await create_app(settings)
    return await run_until_stopped(
        app,
        [app.sender.run(), web_server(app, args.host, args.port)],
    )


def web_server(app: App, host: str | None = None, port: int | None = None):
    """The web server as a task of `run` or `python -m bot` (the routes are set up here, so the
    channels they bring are known to the sender before it starts sending)."""
    web_app = create_web_app(app)
    return serve_web(web_app, host or app.settings.WEB_HOST, port or app.settings.WEB_PORT)
