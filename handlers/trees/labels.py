"""How the tree log names things: survival states, a planting in one line, a survival figure."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.i18n import N_, Translator
from handlers.places import place_name
from storage.trees import SurvivalState, TreePlanting

STATE_LABELS = {
    SurvivalState.NOT_CHECKED: N_("not checked yet"),
    SurvivalState.ALL_ALIVE: N_("all alive"),
    SurvivalState.SOME_ALIVE: N_("some alive"),
    SurvivalState.NONE_ALIVE: N_("none alive"),
    SurvivalState.UNKNOWN: N_("unknown: no answer"),
}
STATE_ICONS = {
    SurvivalState.NOT_CHECKED: "🌱",
    SurvivalState.ALL_ALIVE: "🌳",
    SurvivalState.SOME_ALIVE: "🌿",
    SurvivalState.NONE_ALIVE: "🥀",
    SurvivalState.UNKNOWN: "❔",
}


def place_of(ctx: Ctx, planting: TreePlanting, *, district: bool = True) -> str:
    return place_name(ctx, planting.region_code, planting.district_pcode if district else None)


def state_text(tr: Translator, planting: TreePlanting) -> str:
    """"🌿 some alive: 7 of 10" (the count where one is known)."""
    state = planting.state
    text = f"{STATE_ICONS[state]} {tr._(STATE_LABELS[state])}"
    latest = planting.latest_known
    if latest is not None and state in (SurvivalState.SOME_ALIVE, SurvivalState.ALL_ALIVE, SurvivalState.NONE_ALIVE):
        text += " " + tr._("({alive} of {count})", alive=latest.alive, count=planting.count)
    return text


def planting_line(ctx: Ctx, planting: TreePlanting) -> str:
    """"Elm × 10 · 12 Apr 2026 · Astana · 🌳 all alive (10 of 10)"."""
    return " · ".join(
        (
            f"{planting.display_species(ctx.tr.language)} × {planting.count}",
            ctx.tr.day(planting.planted_on),
            place_of(ctx, planting, district=False),
            state_text(ctx.tr, planting),
        )
    )


def rate_text(tr: Translator, alive: int, planted: int, plantings: int) -> str:
    """"73% (146 of 200 trees, 12 plantings)"."""
    share = tr.percent(alive / planted if planted else 0)
    return tr.ngettext(
        "{share} ({alive} of {planted} trees, {n} planting)",
        "{share} ({alive} of {planted} trees, {n} plantings)",
        plantings,
        share=share,
        alive=alive,
        planted=planted,
    )
