"""The admin subcommands of issue 19, kept apart from bot/commands/admin.py (which only hooks them
in): API keys of partner apps, the connection of a region (or district) to its own systems, and
what the handover to them has done.

    python -m bot admin api-key create NAME | list | revoke ID_OR_PREFIX
    python -m bot admin connect REGION open311 URL --key KEY --service-code CODE [--district PCODE] [--jurisdiction ID] [--updates]
    python -m bot admin connect REGION email ADDRESS [--daily] [--language kk] [--district PCODE]
    python -m bot admin connect REGION chat telegram:CHAT_ID [--language kk]     (the moderators' chat, as bind-chat)
    python -m bot admin disconnect TARGET_ID
    python -m bot admin connections
    python -m bot admin handover-status
"""

from __future__ import annotations

import argparse
from collections import Counter
from datetime import datetime
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import load_settings
from storage import moderation as roles
from storage.handover import (
    ApiKey,
    ApiWrite,
    EmailMode,
    HandoverTarget,
    TargetKind,
    all_targets,
    create_api_key,
    delivery_counts,
    revoke_api_key,
)
from storage.users import parse_account

COMMANDS = ("api-key", "connect", "disconnect", "connections", "handover-status")


def configure(sub, region_type) -> None:
    keys = sub.add_parser("api-key", help="API keys of partner apps that POST Open311 requests")
    key_sub = keys.add_subparsers(dest="key_command", metavar="ACTION", required=True)
    create = key_sub.add_parser("create", help="make a key (shown once) for the app NAME")
    create.add_argument("name")
    key_sub.add_parser("list", help="the keys, their use and whether they are revoked")
    revoke = key_sub.add_parser("revoke", help="revoke a key by its id or its listed prefix")
    revoke.add_argument("key")

    connect = sub.add_parser("connect", help="hand REGION's reports (or a district's) over to its own system too")
    connect.add_argument("region", type=region_type, help="a region code (KZ-75) or name (Shymkent, \"Алматы облысы\")")
    connect.add_argument("kind", choices=("open311", "email", "chat"))
    connect.add_argument("address", help="the Open311 base URL (…/open311/v2), an e-mail address, or telegram:CHAT_ID")
    connect.add_argument("--district", help="only this district's reports (its pcode, e.g. KZ751110)")
    connect.add_argument("--key", help="open311: the API key their endpoint gave us")
    connect.add_argument("--service-code", help="open311: their service code for illegal dumps")
    connect.add_argument("--jurisdiction", help="open311: their jurisdiction_id, if they need one")
    connect.add_argument("--updates", action="store_true", help="open311: they serve FixMyStreet's servicerequestupdates")
    connect.add_argument("--daily", action="store_true", help="email: one letter a day instead of one per report")
    connect.add_argument("--language", choices=("kk", "ru", "en"), default="ru", help="of the e-mail or the chat")
    disconnect = sub.add_parser("disconnect", help="remove a connection (its id from `connections`)")
    disconnect.add_argument("target_id", type=int)
    sub.add_parser("connections", help="the regions' own systems reports are handed over to")
    sub.add_parser("handover-status", help="pending, failing and delivered handovers per region and target")


async def execute(args: argparse.Namespace, session: AsyncSession, now: datetime, geo) -> int:
    command = args.admin_command
    if command == "api-key":
        return await _api_key(args, session, now)
    if command == "connect":
        return await _connect(args, session, now, geo)
    if command == "disconnect":
        target = await session.get(HandoverTarget, args.target_id)
        if target is None:
            print(f"no connection {args.target_id}")
            return 1
        await session.delete(target)
        print(f"disconnected {target.id}: {target.region_code} {target.kind} {target.address}")
        return 0
    if command == "connections":
        for target in await all_targets(session):
            print(describe(target))
        return 0
    return await _status(session)


def describe(target: HandoverTarget) -> str:
    area = target.region_code + (f"/{target.district_pcode}" if target.district_pcode else "")
    extra = ""
    if target.kind == TargetKind.OPEN311:
        extra = f" service={target.service_code}" + (" +updates" if target.has_updates else "")
    else:
        extra = f" {target.email_mode} ({target.language})"
    return f"{target.id:>4} {area} {target.kind} {target.address}{extra}"


async def _api_key(args: argparse.Namespace, session: AsyncSession, now: datetime) -> int:
    if args.key_command == "create":
        row, key = await create_api_key(session, args.name, now)
        print(f"key {row.id} for {row.name}: {key}")
        print("it is shown only now: only its hash is kept")
        return 0
    if args.key_command == "revoke":
        count = await revoke_api_key(session, args.key, now)
        print(f"revoked {count} key(s)")
        return 0 if count else 1
    writes = dict(
        (await session.execute(select(ApiWrite.api_key_id, func.count()).group_by(ApiWrite.api_key_id))).all()
    )
    for row in await session.scalars(select(ApiKey).order_by(ApiKey.id)):
        state = f"revoked {row.revoked_at:%Y-%m-%d}" if row.revoked_at else "active"
        print(f"{row.id:>4} {row.prefix}… {row.name} ({state}, {writes.get(row.id, 0)} writes)")
    return 0


async def _connect(args: argparse.Namespace, session: AsyncSession, now: datetime, geo) -> int:
    if args.district and (args.district not in geo.districts or geo.districts[args.district].region_code != args.region):
        print(f"{args.district} is not a district of {args.region}")
        return 2
    if args.kind == "chat":
        account = parse_account(args.address)
        if account is None:
            print("a chat is telegram:CHAT_ID (a group's id is negative)")
            return 2
        created = await roles.bind_chat(session, args.region, *account, "cli", now, language=args.language)
        print(("bound" if created else "already bound") + f": {args.address} -> {args.region}")
        return 0
    target = HandoverTarget(
        region_code=args.region, district_pcode=args.district, kind=args.kind, address=args.address,
        language=args.language, created_by="cli", created_at=now, has_updates=False, email_mode=EmailMode.EACH,
    )  # fmt: skip
    if args.kind == "open311":
        parts = urlsplit(args.address)
        if parts.scheme not in ("http", "https") or not parts.netloc or not args.service_code:
            print("open311 needs the endpoint's http(s) base URL and --service-code (and usually --key)")
            return 2
        target.api_key, target.service_code = args.key, args.service_code
        target.jurisdiction_id, target.has_updates = args.jurisdiction, args.updates
    else:
        local, _, domain = args.address.partition("@")
        if not local or "." not in domain or any(c.isspace() for c in args.address):
            print(f"{args.address!r} is not an e-mail address")
            return 2
        target.email_mode = EmailMode.DAILY if args.daily else EmailMode.EACH
        if not load_settings().SMTP_HOST:
            print("note: SMTP_HOST is not set: letters wait in the outbox until it is")
    session.add(target)
    await session.flush()
    print("connected " + describe(target))
    return 0


async def _status(session: AsyncSession) -> int:
    counts, errors = await delivery_counts(session)
    targets = await all_targets(session)
    if not targets:
        print("no region is connected to its own system (python -m bot admin connect ...)")
    for target in targets:
        c = counts.get(target.id, Counter())
        print(
            f"{describe(target)}: {c['pending']} pending, {c['failing']} failing, "
            f"{c['delivered']} delivered, {c['failed']} failed"
        )
        if target.id in errors:
            print(f"      last error: {errors[target.id][:200]}")
    return 0
