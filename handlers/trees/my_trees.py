"""«My trees»: the person's plantings, newest first and a page at a time, and one planting's card
with its photos over time. These screens only show; `handlers.trees` answers their buttons."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select

from handlers.buttons import button
from handlers.context import Ctx
from handlers.i18n import KZ_TZ
from handlers.trees.labels import place_of, planting_line, state_text
from handlers.types import Choice
from storage.trees import CaptureSource, TreePlanting, person_figures

log = logging.getLogger(__name__)
PAGE = 5
CARD_PHOTOS = 4  # the latest photos sent above a card; more would flood the chat


@button("trees")
@dataclass(frozen=True)
class TreesPress:
    """A button of the «My trees» screens; `arg` is a planting id or a list offset."""

    verb: Literal["open", "page", "log", "rates", "cert", "name", "back", "capture", "list"]
    arg: int = 0


LOG, RATES, CERTIFICATE, BACK = TreesPress("log"), TreesPress("rates"), TreesPress("cert"), TreesPress("back")


async def show_list(ctx: Ctx, offset: int = 0, intro: str | None = None) -> None:
    figures = await person_figures(ctx.session, ctx.user.id)
    actions = [
        Choice(LOG.id, ctx._("➕ Log a planting")),
        Choice(RATES.id, ctx._("📊 Survival rates")),
    ]
    if not figures.plantings:
        text = ctx._(
            "🌳 My trees\n\nYou have not logged any trees yet. Planted a tree? Log it: in 6 and 12 "
            "months I will ask how it is doing, and you will see how many of your trees survived."
        )
        ctx.ask("trees.list", f"{intro}\n\n{text}" if intro else text, actions, repeat=text)
        return
    plantings = (
        await ctx.session.scalars(
            select(TreePlanting)
            .where(TreePlanting.owner_id == ctx.user.id)
            .order_by(TreePlanting.planted_on.desc(), TreePlanting.id.desc())
            .offset(offset)
            .limit(PAGE)
        )
    ).all()
    lines = [
        ctx._("🌳 My trees"),
        ctx.ngettext("{n} planting, {trees} trees in all.", "{n} plantings, {trees} trees in all.", figures.plantings, trees=figures.planted),
        "",
    ]
    choices = []
    for number, planting in enumerate(plantings, start=offset + 1):
        lines.append(f"{number}. {planting_line(ctx, planting)}")
        label = f"{planting.display_species(ctx.tr.language)} × {planting.count} · {ctx.tr.day(planting.planted_on)}"
        choices.append(Choice(TreesPress("open", planting.id).id, label))
    if offset + PAGE < figures.plantings:
        choices.append(Choice(TreesPress("page", offset + PAGE).id, ctx._("➡️ Older plantings")))
    if offset:
        choices.append(Choice(TreesPress("page", max(0, offset - PAGE)).id, ctx._("⬅️ Newer plantings")))
    choices += [*actions, Choice(CERTIFICATE.id, ctx._("🏅 My certificate"))]
    lines += ["", ctx._("Choose a planting to see its card.")]
    text = "\n".join(lines)
    ctx.ask("trees.list", f"{intro}\n\n{text}" if intro else text, choices, repeat=text)


async def own_planting(ctx: Ctx, planting_id: int | None) -> TreePlanting | None:
    """The person's own planting, locked for the step; None after saying so (a forged or stale
    button may name someone else's planting, or one that no longer exists)."""
    planting = await ctx.session.get(TreePlanting, planting_id, with_for_update=True) if planting_id else None
    if planting is None or planting.owner_id != ctx.user.id:
        log.warning("planting %s refused to user %s", planting_id, ctx.user.id)
        ctx.reply(ctx._("This planting is not among your trees."))
        return None
    return planting


async def show_card(ctx: Ctx, planting: TreePlanting, intro: str | None = None) -> None:
    """The planting's photos over time (the latest few, oldest first, each with its date), then
    its card with what can be done."""
    tr = ctx.tr
    for capture in planting.photos[-CARD_PHOTOS:]:
        caption = tr.day(capture.captured_at.astimezone(KZ_TZ).date())
        if capture.alive is not None and capture.source != CaptureSource.PLANTING:
            caption += " · " + ctx._("alive: {alive} of {count}", alive=capture.alive, count=planting.count)
        ctx.reply(caption, photo_path=capture.photo_path)
    lines = [
        f"🌳 {planting.display_species(tr.language)} × {planting.count}",
        ctx._("Planted: {date}", date=tr.day(planting.planted_on)),
        "📍 " + place_of(ctx, planting),
        f"   {planting.latitude:.5f}, {planting.longitude:.5f}",
        ctx._("State: {state}", state=state_text(tr, planting)),
    ]
    if planting.note:
        lines.append("💬 " + planting.note)
    history = [c for c in planting.captures if c.source != CaptureSource.PLANTING]
    if history:
        lines += ["", ctx._("Check-ins:")]
        for capture in history:
            alive = (
                ctx._("alive: {alive} of {count}", alive=capture.alive, count=planting.count)
                if capture.alive is not None
                else ctx._("no answer")
            )
            lines.append(f"• {tr.date(capture.captured_at)}: {alive}" + (" 📸" if capture.photo_path else ""))
    text = "\n".join(lines)
    ctx.ask(
        "trees.card",
        f"{intro}\n\n{text}" if intro else text,
        [
            Choice(TreesPress("capture", planting.id).id, ctx._("➕ Add a check-in")),
            Choice(TreesPress("list").id, ctx._("⬅️ Back to my trees")),
        ],
        repeat=text,
    )
