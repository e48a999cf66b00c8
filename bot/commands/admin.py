"""`python -m bot admin add-moderator|remove-moderator|bind-chat|unbind-chat|add-organiser|
remove-organiser|list`: the admins' bot commands, for operators at the server."""

from __future__ import annotations

import argparse
from functools import cache

from bot.app import create_app
from bot.commands import admin_handover
from bot.config import load_settings
from bot.geo import Geography
from storage import events as organisers
from storage import moderation as roles
from storage.base import utcnow
from storage.users import parse_account
from handlers.moderation.coverage import coverage_warnings
from handlers.moderation.regions import find_region

NAME = "admin"
HELP = "appoint and remove moderators and organisers of cleanup events, bind moderator chats, list them"
def _account(text: str) -> tuple[str, str]:
    account = parse_account(text)
    if account is None:
        raise argparse.ArgumentTypeError(f"{text!r}: use telegram:ID, whatsapp:+NUMBER or console:NAME")
    return account


@cache
def _geography() -> Geography:
    return Geography()


def _region(text: str) -> str:
    """A region's code or name as one argument (a name of several words quoted)."""
    code = find_region(_geography(), text)
    if code is None:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a region: use a region code (KZ-10 ... KZ-79, see the README), "
            "a region's name in Kazakh, Russian or English, or 'national'"
        )
    return code


class RegionArgument(argparse.Action):
    """A region's code or its name in kk, ru or en, in any case; a name of several words may be
    typed unquoted (`add-moderator telegram:42 Алматы облысы`)."""

    def __call__(self, parser, namespace, values, option_string=None) -> None:
        words = values if isinstance(values, list) else [values]
        if not words:
            setattr(namespace, self.dest, None)
            return
        text = " ".join(words)
        code = find_region(_geography(), text)
        if code is None:
            raise argparse.ArgumentError(
                self,
                f"{text!r} is not a region: use a region code (KZ-10 ... KZ-79, see the README), "
                "a region's name in Kazakh, Russian or English, or 'national'",
            )
        setattr(namespace, self.dest, code)


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    add = sub.add_parser("add-moderator", help="appoint ACCOUNT as a moderator of REGION")
    add.add_argument("account", type=_account, help="telegram:ID, whatsapp:+NUMBER or console:NAME")
    add.add_argument("region", nargs="+", action=RegionArgument, help="code (KZ-79) or name (Shymkent, Шымкент)")
    remove = sub.add_parser("remove-moderator", help="remove ACCOUNT's role (of REGION, or all)")
    remove.add_argument("account", type=_account)
    remove.add_argument("region", nargs="*", action=RegionArgument)
    bind = sub.add_parser("bind-chat", help="make CHAT a moderator chat of REGION")
    bind.add_argument("region", nargs="+", action=RegionArgument, help="a region's code or name, or 'national'")
    bind.add_argument("chat", type=_account, help="telegram:CHAT_ID (a group's id is negative)")
    bind.add_argument("--language", choices=("kk", "ru", "en"), default="ru")
    unbind = sub.add_parser("unbind-chat", help="stop sending REGION's reports (or all) to CHAT")
    unbind.add_argument("chat", type=_account)
    unbind.add_argument("region", nargs="*", action=RegionArgument)
    organiser = sub.add_parser("add-organiser", help="let ACCOUNT organise cleanup events (in REGION, or anywhere)")
    organiser.add_argument("account", type=_account, help="telegram:ID, whatsapp:+NUMBER or console:NAME")
    organiser.add_argument("region", nargs="*", action=RegionArgument, help="a region's code or name; without it: every region")
    unorganise = sub.add_parser("remove-organiser", help="remove ACCOUNT's organiser role (of REGION, or all)")
    unorganise.add_argument("account", type=_account)
    unorganise.add_argument("region", nargs="*", action=RegionArgument)
    sub.add_parser("list", help="moderators, moderator chats and organisers")
    admin_handover.configure(sub, _region)


def run(args: argparse.Namespace) -> object:
    return execute(args)


async def execute(args: argparse.Namespace) -> int:
    settings = load_settings()
    app = await create_app(settings)
    now = utcnow()
    try:
        async with app.sessions() as session, session.begin():
            command = args.admin_command
            if command in admin_handover.COMMANDS:
                return await admin_handover.execute(args, session, now, Geography())
            if command == "add-moderator":
                created = await roles.add_moderator(session, *args.account, args.region, "cli", now)
                print(("appointed" if created else "already a moderator") + f": {':'.join(args.account)} {args.region}")
            elif command == "remove-moderator":
                removed = await roles.remove_moderator(session, *args.account, args.region)
                print(f"removed {removed} role(s) of {':'.join(args.account)}")
            elif command == "bind-chat":
                channel, chat_id = args.chat
                created = await roles.bind_chat(
                    session, args.region, channel, chat_id, "cli", now, language=args.language
                )
                print(("bound" if created else "already bound") + f": {channel}:{chat_id} -> {args.region}")
            elif command == "unbind-chat":
                removed = await roles.unbind_chat(session, *args.chat, args.region)
                print(f"unbound {removed} region(s) from {':'.join(args.chat)}")
            elif command == "add-organiser":
                region = args.region or organisers.NATIONAL
                created = await organisers.add_organiser(session, *args.account, region, "cli", now)
                print(("appointed" if created else "already an organiser") + f": {':'.join(args.account)} {region}")
            elif command == "remove-organiser":
                removed = await organisers.remove_organiser(session, *args.account, args.region)
                print(f"removed {removed} organiser role(s) of {':'.join(args.account)}")
            else:
                for organiser in await organisers.all_organisers(session):
                    print(f"organiser {organiser.region_code} {organiser.channel}:{organiser.external_id} (by {organiser.appointed_by})")
                moderators = await roles.all_roles(session)
                for role in moderators:
                    print(f"moderator {role.region_code} {role.channel}:{role.external_id} (by {role.appointed_by})")
                if not moderators:
                    print("no moderators")
                for chat in await roles.all_chats(session):
                    print(f"chat      {chat.region_code} {chat.channel}:{chat.chat_id} ({chat.language})")
                for warning in await coverage_warnings(session, _geography().regions, settings.ADMINS):
                    print(f"warning: {warning}")
    finally:
        await app.close()
    return 0
