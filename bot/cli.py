"""`python -m bot [COMMAND]`: with no command, runs everything the configuration allows."""

from __future__ import annotations

import argparse
import asyncio
import inspect
import os
import sys
from importlib import import_module

from bot.config import ConfigError
from bot.logs import configure_logging

COMMAND_MODULES = (
    "bot.commands.run",
    "bot.commands.console",
    "bot.commands.web",
    "bot.commands.worker",
    "bot.commands.webhook",
    "bot.commands.backup",
    "bot.commands.migrate",
    "bot.commands.locales",
    "bot.commands.export",
    "bot.commands.admin",
    "bot.commands.jobs",
    "bot.commands.importer",
)


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, object]]:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=(
            "Taza Bot. With no command: Telegram when BOT_TOKEN is set, the WhatsApp webhook when "
            "Twilio is configured, otherwise the console chat."
        ),
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log more")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {}
    for name in COMMAND_MODULES:
        module = import_module(name)
        command_parser = sub.add_parser(module.NAME, help=module.HELP, description=module.HELP)
        module.configure(command_parser)
        modules[module.NAME] = module
    return parser, modules


def main(argv: list[str] | None = None) -> int:
    os.umask(0o077)  # whatever the bot writes (database, media, exports, logs) is its user's only
    parser, modules = build_parser()
    args = parser.parse_args(argv)
    configure_logging(args.verbose)
    module = modules[args.command or "run"]
    if args.command is None:
        modules["run"].configure(argparse.ArgumentParser())  # defaults only
    try:
        result = module.run(args)
        if inspect.isawaitable(result):
            result = asyncio.run(result)
    except ConfigError as exc:
        print(exc, file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return int(result or 0)
