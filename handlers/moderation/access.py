"""Server-side role checks for every moderator and admin action.

A button's id is written by the client and can be forged (or pressed after the role was removed),
so no action trusts it: each loads the report, checks the presser's role for the report's region
and refuses, with a translated answer and a log line, when it does not hold."""

from __future__ import annotations

import logging

from handlers.context import Ctx
from storage.moderation import regions_of

log = logging.getLogger("taza.moderation.access")


def actor(ctx: Ctx) -> str:
    """Who pressed, as 'channel:id' (the form ADMINS and the roles use)."""
    return f"{ctx.incoming.channel}:{ctx.incoming.sender_id}"


async def my_regions(ctx: Ctx) -> set[str]:
    return await regions_of(ctx.session, ctx.incoming.channel, ctx.incoming.sender_id)


async def may_moderate(ctx: Ctx, region_code: str) -> bool:
    """Admins moderate every region (and the national queue); moderators their own regions."""
    return ctx.is_admin or region_code in await my_regions(ctx)


def refuse(ctx: Ctx, action: str, region_code: str | None = None) -> None:
    log.warning(
        "refused %s by %s in %s/%s (region %s, choice %r)",
        action,
        actor(ctx),
        ctx.incoming.channel,
        ctx.incoming.chat_id,
        region_code,
        ctx.incoming.choice,
    )
    if region_code is None:
        ctx.reply(ctx._("Only a moderator can do this. Nothing was changed."))
    else:
        ctx.reply(ctx._("Only a moderator of this report's region can do this. Nothing was changed."))


def refuse_admin(ctx: Ctx, action: str) -> None:
    log.warning("refused %s by %s (not an admin)", action, actor(ctx))
    ctx.reply(ctx._("Only an administrator can do this. Nothing was changed."))
