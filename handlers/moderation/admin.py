"""Admins' commands: appoint and remove moderators per region, bind a chat as a region's
moderator chat, list who moderates what. The same operations exist on the command line
(`python -m bot admin ...`, bot/commands/admin.py)."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.moderation.access import actor, refuse_admin
from handlers.moderation.coverage import uncovered_regions
from handlers.moderation.regions import find_region
from handlers.services import GEO
from handlers.router import Router
from storage import moderation as roles
from storage.users import parse_account


def register(router: Router) -> None:
    router.command("addmoderator", without_consent=True)(add_moderator)
    router.command("removemoderator", without_consent=True)(remove_moderator)
    router.command("bindchat", without_consent=True)(bind_chat)
    router.command("unbindchat", without_consent=True)(unbind_chat)
    router.command("moderators", without_consent=True)(list_moderators)


def region_code(ctx: Ctx, text: str) -> str | None:
    """A region's code, or its name in kk, ru or en ("Шымкент", "Алматы облысы")."""
    return find_region(ctx.service(GEO), text)


def account_and_region(ctx: Ctx) -> tuple[str, tuple[str, str], str | None] | None:
    """"ACCOUNT [REGION]", the arguments of the admins' role commands: the account as typed, as
    (channel, id), and the region code (None when left out); None when either is not valid."""
    parts = ctx.incoming.args.split(maxsplit=1)  # a region's name may have several words
    account = parse_account(parts[0]) if 1 <= len(parts) <= 2 else None
    if account is None:
        return None
    region = region_code(ctx, parts[1]) if len(parts) == 2 else None
    if len(parts) == 2 and region is None:
        return None
    return parts[0], account, region


def region_label(ctx: Ctx, code: str) -> str:
    if code == roles.NATIONAL:
        return ctx._("national queue")
    region = ctx.service(GEO).regions.get(code)
    return f"{region.name(ctx.tr.language)} ({code})" if region else code


def _usage_regions(ctx: Ctx) -> str:
    regions = ctx.service(GEO).region_list(ctx.tr.language)
    return ", ".join(f"{r.code} {r.name(ctx.tr.language)}" for r in regions) + f", {roles.NATIONAL}"


async def add_moderator(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "addmoderator")
        return
    given = account_and_region(ctx)
    typed, account, region = given or ("", None, None)
    if account is None or region is None or region == roles.NATIONAL:
        ctx.reply(
            ctx._(
                "Usage: /addmoderator ACCOUNT REGION, for example /addmoderator telegram:123456789 KZ-75. "
                "Regions: {regions}",
                regions=_usage_regions(ctx).removesuffix(f", {roles.NATIONAL}"),
            )
        )
        return
    created = await roles.add_moderator(ctx.session, *account, region, actor(ctx), ctx.now)
    label = region_label(ctx, region)
    if created:
        ctx.reply(ctx._("{account} is now a moderator of {region}.", account=typed, region=label))
    else:
        ctx.reply(ctx._("{account} already moderates {region}.", account=typed, region=label))


async def remove_moderator(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "removemoderator")
        return
    given = account_and_region(ctx)
    if given is None:
        ctx.reply(
            ctx._(
                "Usage: /removemoderator ACCOUNT [REGION], for example /removemoderator telegram:123456789 KZ-75. "
                "Without a region, every role of the account is removed."
            )
        )
        return
    typed, account, region = given
    removed = await roles.remove_moderator(ctx.session, *account, region)
    ctx.reply(
        ctx.ngettext(
            "{account}: {n} moderator role removed.",
            "{account}: {n} moderator roles removed.",
            removed,
            account=typed,
        )
    )


async def bind_chat(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "bindchat")
        return
    region = region_code(ctx, ctx.incoming.args)
    if region is None:
        ctx.reply(
            ctx._(
                "Usage: /bindchat REGION in the group that should receive the region's reports, "
                "for example /bindchat KZ-75. Regions: {regions}",
                regions=_usage_regions(ctx),
            )
        )
        return
    created = await roles.bind_chat(
        ctx.session,
        region,
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        actor(ctx),
        ctx.now,
        language=ctx.tr.language,
    )
    label = region_label(ctx, region)
    if created:
        ctx.reply(ctx._("This chat now receives the reports of {region}.", region=label))
    else:
        ctx.reply(ctx._("This chat already receives the reports of {region}.", region=label))


async def unbind_chat(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "unbindchat")
        return
    region = region_code(ctx, ctx.incoming.args) if ctx.incoming.args.strip() else None
    removed = await roles.unbind_chat(ctx.session, ctx.incoming.channel, ctx.incoming.chat_id, region)
    ctx.reply(
        ctx.ngettext(
            "This chat no longer receives the reports of {n} region.",
            "This chat no longer receives the reports of {n} regions.",
            removed,
        )
    )


async def list_moderators(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "moderators")
        return
    lines = [ctx._("Moderators:")]
    role_rows = await roles.all_roles(ctx.session)
    lines += [f"• {region_label(ctx, r.region_code)}: {r.channel}:{r.external_id}" for r in role_rows]
    if not role_rows:
        lines.append(ctx._("none yet"))
    lines.append(ctx._("Moderator chats:"))
    chat_rows = await roles.all_chats(ctx.session)
    lines += [f"• {region_label(ctx, c.region_code)}: {c.channel}:{c.chat_id}" for c in chat_rows]
    if not chat_rows:
        lines.append(ctx._("none yet"))
    uncovered = await uncovered_regions(ctx.session, ctx.service(GEO).regions)
    if uncovered:
        lines.append(
            ctx._(
                "⚠️ Regions with no moderators (their reports go to the national queue): {regions}",
                regions=", ".join(uncovered),
            )
        )
    ctx.reply("\n".join(lines))
