"""The terminal chat (see bot/channels/console.py for the line protocol)."""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TextIO

from bot.app import create_app
from bot.channels.console import ConsoleChannel
from bot.config import Settings, load_settings
from handlers.types import Kind

NAME = "console"
HELP = "chat with the bot in the terminal (one line per turn; works with piped stdin)"
BANNER = (
    "Taza Bot console. Type /start to begin. A turn is text, a number picking a choice,\n"
    "/photo PATH, /location LAT LON or a command; /quit leaves.\n"
)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--user", default="local", help="chat as this console user (default: local)")


def run(args: argparse.Namespace) -> object:
    return run_console(load_settings(), getattr(args, "user", "local"))


async def run_console(
    settings: Settings, user: str, stdin: TextIO = sys.stdin, stdout: TextIO = sys.stdout
) -> int:
    app = await create_app(settings)
    channel = ConsoleChannel(user, stdout, settings.MEDIA_DIR)
    app.add_channel(channel)
    try:
        # Finish what an earlier run of this user left half-done, then deliver what waits for them.
        for incoming in await app.engine.pending(channel.name):
            if incoming.chat_id == user:
                await app.engine.process(incoming)
        await app.sender.flush()
        if stdin.isatty():
            stdout.write(BANNER)
        loop = asyncio.get_running_loop()
        while True:
            if stdin.isatty():
                stdout.write("> ")
                stdout.flush()
            line = await loop.run_in_executor(None, stdin.readline)
            if not line:
                break
            parsed = channel.parse(line)
            if parsed is None:
                continue
            if isinstance(parsed, str):
                stdout.write(f"({parsed})\n\n")
                continue
            if parsed.kind is Kind.COMMAND and parsed.command in {"quit", "exit"}:
                break
            await app.engine.receive(parsed)
            await app.sender.flush()
    finally:
        await app.close()
    return 0
