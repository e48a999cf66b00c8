"""Telegram's webhook mode in `python -m bot web`: Telegram posts each update to a secret path
with the `X-Telegram-Bot-Api-Secret-Token` header. A request without the right secret is refused
401 and nothing is stored; a right one is stored in the inbox before the 200 (Telegram forgets an
update once it heard 2xx), then processed beside the answer, per chat in order. A redelivered
update is stored once and applied once (the inbox's unique key and its processed marker).

`TELEGRAM_WEBHOOK_SECRET` switches the mode on; the path is derived from it, so the secret never
appears in a URL and a proxy's access log does not reveal the header."""

from __future__ import annotations

import hashlib
import hmac
import logging

from aiohttp import web

from bot.app import App
from bot.config import Settings
from bot.web_keys import SIGNED_PATHS

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_path(secret: str) -> str:
    return "/telegram/" + hashlib.sha256(f"taza-webhook-path:{secret}".encode()).hexdigest()[:32]


def webhook_url(settings: Settings) -> str:
    """What `python -m bot webhook set` registers with Telegram."""
    assert settings.TELEGRAM_WEBHOOK_SECRET
    return (settings.PUBLIC_BASE_URL or "").rstrip("/") + webhook_path(settings.TELEGRAM_WEBHOOK_SECRET)


def setup_telegram_webhook(web_app: web.Application, app: App) -> None:
    """Add the Telegram channel (sending) and the webhook route (receiving)."""
    from aiogram.types import Update

    from bot.channels.telegram import TelegramChannel, build_bot
    from bot.channels.telegram_inbox import InboxWriter
    from bot.channels.telegram_updates import NAME
    from bot.inbox import BatchQueue

    settings = app.settings
    secret = settings.TELEGRAM_WEBHOOK_SECRET or ""
    bot = build_bot(settings)
    app.add_channel(TelegramChannel.from_settings(bot, settings))
    queues = BatchQueue(app.engine.process_batch)
    writer = InboxWriter(app.engine, queues, bot, settings.TELEGRAM_BOT_USERNAME)
    path = webhook_path(secret)

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            log.warning("refused a Telegram webhook call without the right secret from %s", request.remote)
            raise web.HTTPUnauthorized(text="wrong secret token")
        try:
            update = Update.model_validate(await request.json(), context={"bot": bot})
        except ValueError as exc:
            log.warning("ignored a Telegram webhook body that is no update: %s", type(exc).__name__)
            raise web.HTTPBadRequest(text="not an update") from None
        await writer.take(update)  # returns once the update is stored
        return web.json_response({})

    async def on_startup(_: web.Application) -> None:
        if not writer.bot_username:
            try:
                writer.bot_username = app.deep_links.telegram_bot = (await bot.me()).username
            except Exception as exc:  # the Bot API is away: group commands are taken as ours
                log.warning("getMe failed (%s); set TELEGRAM_BOT_USERNAME", type(exc).__name__)
        for incoming in await app.engine.pending(NAME):
            queues.submit(incoming)

    async def on_cleanup(_: web.Application) -> None:
        await queues.join()
        await bot.session.close()

    web_app.router.add_post(path, receive)
    web_app[SIGNED_PATHS].add(path)
    web_app.on_startup.append(on_startup)
    web_app.on_cleanup.append(on_cleanup)
