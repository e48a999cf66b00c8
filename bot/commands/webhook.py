"""`python -m bot webhook set|delete|info`: register the Telegram webhook of `python -m bot web`
(PUBLIC_BASE_URL + the path derived from TELEGRAM_WEBHOOK_SECRET), remove it (back to polling),
or show what Telegram has. Works against TELEGRAM_API_URL like the bot itself."""

from __future__ import annotations

import argparse

from bot.config import ConfigError, Settings, load_settings

NAME = "webhook"
HELP = "set, delete or show the Telegram webhook (webhook mode of `python -m bot web`)"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["set", "delete", "info"])
    parser.add_argument(
        "--drop-pending", action="store_true", help="with delete: Telegram drops the updates it still holds"
    )


async def run(args: argparse.Namespace) -> int:
    settings = load_settings()
    if not settings.BOT_TOKEN:
        raise ConfigError("Configuration error: BOT_TOKEN: needed to manage the Telegram webhook")
    from bot.channels.telegram import build_bot

    bot = build_bot(settings)
    try:
        if args.action == "set":
            print(await set_webhook(bot, settings))
        elif args.action == "delete":
            await bot.delete_webhook(drop_pending_updates=args.drop_pending)
            print("webhook deleted: the bot can poll again")
        else:
            print(await webhook_info(bot, settings))
    finally:
        await bot.session.close()
    return 0


async def set_webhook(bot, settings: Settings) -> str:
    from bot.channels.telegram_updates import ALLOWED_UPDATES
    from bot.telegram_webhook import webhook_url

    if not settings.TELEGRAM_WEBHOOK_SECRET:
        raise ConfigError("Configuration error: TELEGRAM_WEBHOOK_SECRET: set it to use the webhook")
    if not settings.PUBLIC_BASE_URL:
        raise ConfigError("Configuration error: PUBLIC_BASE_URL: the address Telegram posts to")
    await bot.set_webhook(
        webhook_url(settings),
        secret_token=settings.TELEGRAM_WEBHOOK_SECRET,
        allowed_updates=ALLOWED_UPDATES,
        drop_pending_updates=False,
    )
    return f"webhook set: {_shown(webhook_url(settings), settings)}"


async def webhook_info(bot, settings: Settings) -> str:
    info = await bot.get_webhook_info()
    lines = [
        f"url: {_shown(info.url, settings) or '(none: the bot polls)'}",
        f"pending updates: {info.pending_update_count}",
    ]
    if info.last_error_message:
        lines.append(f"last error: {info.last_error_message} at {info.last_error_date}")
    return "\n".join(lines)


def _shown(url: str, settings: Settings) -> str:
    """Our own webhook's secret path is shown as such, not spelt out."""
    from bot.telegram_webhook import webhook_url

    if settings.TELEGRAM_WEBHOOK_SECRET and url and url == webhook_url(settings):
        return url.rsplit("/", 1)[0] + "/<secret path> (this bot's)"
    return url
