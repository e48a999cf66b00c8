"""Survival rates of the whole programme, by region and by species, each shown with the number of
plantings it rests on (a rate from two plantings says little, and the reader should see that)."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.places import place_name
from handlers.trees.labels import rate_text
from handlers.trees.my_trees import TreesPress
from handlers.types import Choice
from storage.trees import species_name, survival_rates

SHOWN = 10  # the best-founded rows of each list; the export has them all


async def show_rates(ctx: Ctx) -> None:
    by_region = await survival_rates(ctx.session, "region")
    by_species = await survival_rates(ctx.session, "species")
    lines = [
        ctx._("📊 Survival rates"),
        ctx._(
            "Trees alive at the latest check-in out of the trees planted, over the plantings that "
            "have had a check-in."
        ),
    ]
    if not by_region:
        lines += ["", ctx._("No planting has had a check-in yet, so there is no survival rate to show.")]
    else:
        lines += ["", ctx._("By region:")]
        language = ctx.tr.language
        for rate in by_region[:SHOWN]:
            name = place_name(ctx, rate.key, None)
            lines.append(f"• {name}: {rate_text(ctx.tr, rate.alive, rate.planted, rate.plantings)}")
        lines += ["", ctx._("By species:")]
        for rate in by_species[:SHOWN]:
            name = species_name(rate.key, None, language) if rate.key != "other" else ctx._("Other species")
            lines.append(f"• {name}: {rate_text(ctx.tr, rate.alive, rate.planted, rate.plantings)}")
    ctx.ask("trees.rates", "\n".join(lines), [Choice(TreesPress("list").id, ctx._("⬅️ Back to my trees"))])
