"""`python -m bot admin add-moderator|remove-moderator|bind-chat|unbind-chat|add-organiser|
remove-organiser|list`: the admins' bot commands, for operators at the server."""

from __future__ import annotations

import argparse

from bot.app import create_app
from bot.commands import admin_handover
from bot.config import load_settings
from bot.geo import Geography
from storage import events as organisers
from storage import moderation as roles
from storage.base import utcnow
from storage.users import parse_account

NAME = "admin"
HELP = "appoint and remove moderators and organisers of cleanup events, bind moderator chats, list them"
def _account(text: str) -> tuple[str, str]:
    account = parse_account(text)
    if account is None:
        raise argparse.ArgumentTypeError(f"{text!r}: use telegram:ID, whatsapp:+NUMBER or console:NAME")
    return account


def _region(text: str) -> str:
    code = roles.normalise_region(text, Geography().regions)
    if code is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a region code (KZ-10 ... KZ-79) nor 'national'")
    return code


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="admin_command", metavar="ACTION", required=True)
    add = sub.add_parser("add-moderator", help="appoint ACCOUNT as a moderator of REGION")
    add.add_argument("account", type=_account, help="telegram:ID, whatsapp:+NUMBER or console:NAME")
    add.add_argument("region", type=_region, help="ISO 3166-2:KZ code, e.g. KZ-75")
    remove = sub.add_parser("remove-moderator", help="remove ACCOUNT's role (of REGION, or all)")
    remove.add_argument("account", type=_account)
    remove.add_argument("region", type=_region, nargs="?")
    bind = sub.add_parser("bind-chat", help="make CHAT a moderator chat of REGION")
    bind.add_argument("region", type=_region, help="a region code or 'national'")
    bind.add_argument("chat", type=_account, help="telegram:CHAT_ID (a group's id is negative)")
    bind.add_argument("--language", choices=("kk", "ru", "en"), default="ru")
    unbind = sub.add_parser("unbind-chat", help="stop sending REGION's reports (or all) to CHAT")
    unbind.add_argument("chat", type=_account)
    unbind.add_argument("region", type=_region, nargs="?")
    organiser = sub.add_parser("add-organiser", help="let ACCOUNT organise cleanup events (in REGION, or anywhere)")
    organiser.add_argument("account", type=_account, help="telegram:ID, whatsapp:+NUMBER or console:NAME")
    organiser.add_argument("region", type=_region, nargs="?", help="ISO 3166-2:KZ code; without it: every region")
    unorganise = sub.add_parser("remove-organiser", help="remove ACCOUNT's organiser role (of REGION, or all)")
    unorganise.add_argument("account", type=_account)
    unorganise.add_argument("region", type=_region, nargs="?")
    sub.add_parser("list", help="moderators, moderator chats and organisers")
    admin_handover.configure(sub, _region)


def run(args: argparse.Namespace) -> object:
    return execute(args)


async def execute(args: argparse.Namespace) -> int:
    app = await create_app(load_settings())
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
                for role in await roles.all_roles(session):
                    print(f"moderator {role.region_code} {role.channel}:{role.external_id} (by {role.appointed_by})")
                for chat in await roles.all_chats(session):
                    print(f"chat      {chat.region_code} {chat.channel}:{chat.chat_id} ({chat.language})")
    finally:
        await app.close()
    return 0
