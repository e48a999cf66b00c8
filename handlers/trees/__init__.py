"""The tree log: citizens record the trees they plant, say 6 and 12 months later how many are
alive (with photos), see survival rates, and get a certificate.

«My trees» (my_trees) lists the plantings and shows a planting's card; «Log a planting» opens the
planting wizard (planting); a capture (capture) answers a survival check-in that jobs/trees.py
asks or is added from a card; rates shows survival rates; certificate draws the certificate;
personal adds to the profile, /mydata and /forget. The screens only show: this module answers
their buttons, so the step modules never import each other in a circle.
"""

from __future__ import annotations

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.router import Router
from handlers.trees.capture import CheckinPress, on_alive, on_capture_photo, on_checkin, start_capture
from handlers.trees.certificate import ask_name, on_name, show_certificate
from handlers.trees.my_trees import TreesPress, own_planting, show_card, show_list
from handlers.trees.personal import export_trees, forget_trees, profile_lines
from handlers.trees.planting import PLANTING
from handlers.trees.rates import show_rates


def register(router: Router) -> None:
    router.menu_entry("trees", N_("🌳 My trees"), 30)(show_trees)
    router.command("trees")(show_trees)
    for step in ("trees.list", "trees.card", "trees.rates", "trees.cert"):
        router.step(step)(on_press)
    router.step("trees.alive")(on_alive)
    router.step("trees.capture_photo")(on_capture_photo)
    router.step("trees.cert_name")(on_name_or_press)
    router.action(CheckinPress)(on_checkin)
    PLANTING.register(router)
    router.personal_data("trees", export_trees, forget_trees)
    router.profile_lines.append(profile_lines)


async def show_trees(ctx: Ctx) -> None:
    await show_list(ctx)


async def on_press(ctx: Ctx) -> None:
    """The buttons of every «My trees» screen (the engine let through only those offered)."""
    press = TreesPress.parse(ctx.choice)
    if press is None:
        ctx.reprompt(ctx._("Please choose one of the options below."))
    elif press.verb == "list":
        await show_list(ctx)
    elif press.verb == "page":
        await show_list(ctx, press.arg)
    elif press.verb == "log":
        await PLANTING.open(ctx)
    elif press.verb == "rates":
        await show_rates(ctx)
    elif press.verb == "cert":
        await show_certificate(ctx)
    elif press.verb == "name":
        ask_name(ctx)
    elif press.verb in ("open", "capture"):
        planting = await own_planting(ctx, press.arg)
        if planting is None:
            await show_list(ctx)
        elif press.verb == "open":
            await show_card(ctx, planting)
        else:
            await start_capture(ctx, planting)


async def on_name_or_press(ctx: Ctx) -> None:
    if TreesPress.parse(ctx.choice) is not None:
        await on_press(ctx)
    else:
        await on_name(ctx)
