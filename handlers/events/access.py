"""Who may organise cleanup events: admins everywhere, moderators in their regions, and accounts
an admin made organisers (for a region, or anywhere). Checked on the server at every organiser's
press, since a button can be forged or pressed after the right was taken away.

Admins appoint organisers with `/addorganiser ACCOUNT [REGION]` (or on the command line, `python
-m bot admin add-organiser`), remove them with `/removeorganiser ACCOUNT [REGION]`."""

from __future__ import annotations

import logging

from handlers.context import Ctx
from handlers.moderation.access import actor, my_regions, refuse_admin
from handlers.moderation.admin import account_and_region, region_label
from handlers.router import Router
from storage import events as store
from storage.events import Event

log = logging.getLogger("taza.events.access")


def register(router: Router) -> None:
    router.command("addorganiser")(add_organiser)
    router.command("removeorganiser")(remove_organiser)
    router.command("organisers")(list_organisers)


async def organiser_regions(ctx: Ctx) -> set[str]:
    """Regions where the person may create events (store.NATIONAL: everywhere)."""
    if ctx.is_admin:
        return {store.NATIONAL}
    own = await store.organiser_regions(ctx.session, ctx.incoming.channel, ctx.incoming.sender_id)
    return own | await my_regions(ctx)


async def may_organise_in(ctx: Ctx, region: str) -> bool:
    regions = await organiser_regions(ctx)
    return store.NATIONAL in regions or region in regions


async def may_manage(ctx: Ctx, event: Event) -> bool:
    """The event's own organiser, or whoever may organise in its region."""
    return event.organiser_id == ctx.user.id or await may_organise_in(ctx, event.region_code)


def refuse(ctx: Ctx, action: str, event_id: int | None = None) -> None:
    log.warning("refused %s on event %s by %s (choice %r)", action, event_id, actor(ctx), ctx.incoming.choice)
    ctx.reply(ctx._("Only the organiser of this cleanup event can do this. Nothing was changed."))


async def add_organiser(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "addorganiser")
        return
    given = account_and_region(ctx)
    if given is None:
        ctx.reply(
            ctx._(
                "Usage: /addorganiser ACCOUNT [REGION], for example /addorganiser telegram:123456789 KZ-75. "
                "Without a region, the organiser may create cleanup events anywhere."
            )
        )
        return
    typed, account, region = given
    region = region or store.NATIONAL
    created = await store.add_organiser(ctx.session, *account, region, actor(ctx), ctx.now)
    label = everywhere(ctx) if region == store.NATIONAL else region_label(ctx, region)
    if created:
        ctx.reply(ctx._("{account} may now organise cleanup events: {region}.", account=typed, region=label))
    else:
        ctx.reply(ctx._("{account} already organises cleanup events: {region}.", account=typed, region=label))


async def remove_organiser(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "removeorganiser")
        return
    given = account_and_region(ctx)
    if given is None:
        ctx.reply(
            ctx._(
                "Usage: /removeorganiser ACCOUNT [REGION]. Without a region, every organiser role "
                "of the account is removed."
            )
        )
        return
    typed, account, region = given
    removed = await store.remove_organiser(ctx.session, *account, region)
    ctx.reply(
        ctx.ngettext(
            "{account}: {n} organiser role removed.", "{account}: {n} organiser roles removed.", removed, account=typed
        )
    )


async def list_organisers(ctx: Ctx) -> None:
    if not ctx.is_admin:
        refuse_admin(ctx, "organisers")
        return
    rows = await store.all_organisers(ctx.session)
    lines = [ctx._("Organisers of cleanup events:")]
    lines += [
        f"• {everywhere(ctx) if r.region_code == store.NATIONAL else region_label(ctx, r.region_code)}: "
        f"{r.channel}:{r.external_id}"
        for r in rows
    ]
    if not rows:
        lines.append(ctx._("none yet"))
    ctx.reply("\n".join(lines))


def everywhere(ctx: Ctx) -> str:
    return ctx._("every region")
