"""Menu entries whose flows are not built yet. They say so plainly instead of pretending.
A feature that lands removes its entry from here and registers its own."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.router import Router
from handlers.start import show_menu

NOT_READY: dict[str, tuple[str, int]] = {}


def register(router: Router) -> None:
    for entry_id, (label, order) in NOT_READY.items():
        if router.menu_entry_by_id(entry_id) is None:
            router.menu_entry(entry_id, label, order)(not_ready)


async def not_ready(ctx: Ctx) -> None:
    await show_menu(
        ctx,
        ctx._(
            "This part of Taza Bot is not ready yet: we are building it. "
            "Meanwhile you can use the other entries of the menu."
        ),
    )
