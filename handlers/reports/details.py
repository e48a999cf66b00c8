"""The report's details, asked after the place is settled: waste types, size, optional comment."""

from __future__ import annotations

from typing import Any

from handlers.context import Ctx
from handlers.reports.draft import asks, draft_step, save_and_advance, save_draft
from handlers.reports.labels import SIZE_LABELS, WASTE_LABELS
from handlers.types import Choice, Kind
from storage.reports import WasteType

MAX_COMMENT = 500
NEXT, SKIP = "next", "skip"


# --- waste types ----------------------------------------------------------------------------------
@asks("report.waste")
async def _ask_waste(ctx: Ctx, data: dict[str, Any]) -> None:
    chosen = set(data.get("picked_waste", []))
    choices = [
        Choice(f"waste:{w}", ("✅ " if w in chosen else "▫️ ") + ctx._(label))
        for w, label in WASTE_LABELS.items()
    ]
    if chosen:
        choices.append(Choice(NEXT, ctx._("➡️ Next")))
    ctx.ask(
        "report.waste",
        ctx._(
            "What kind of waste is it? Choose all that apply (press again to remove), then «Next». "
            "You can also type the numbers, for example 1, 3."
        ),
        choices,
    )


@draft_step
async def on_waste(ctx: Ctx, data: dict[str, Any]) -> None:
    picked: list[str] = list(data.get("picked_waste", []))
    if ctx.choice == NEXT and picked:
        data["waste"] = [w for w in WasteType if w in picked]
        await save_and_advance(ctx, data)
        return
    toggles = _waste_toggles(ctx)
    if not toggles:
        ctx.reprompt(ctx._("Please choose the kinds of waste with the buttons below."))
        return
    for waste in toggles:
        if waste in picked:
            picked.remove(waste)
        else:
            picked.append(waste)
    data["picked_waste"] = picked
    await save_draft(ctx, data)
    await _ask_waste(ctx, data)


def _waste_toggles(ctx: Ctx) -> list[str]:
    """The waste kinds a press or a typed list ("1, 3 5") names."""
    if ctx.choice and ctx.choice.startswith("waste:"):
        return [ctx.choice.removeprefix("waste:")]
    kinds = list(WASTE_LABELS)
    numbers = ctx.text.replace(",", " ").split()
    if numbers and all(n.isdigit() and 1 <= int(n) <= len(kinds) for n in numbers):
        return list(dict.fromkeys(str(kinds[int(n) - 1]) for n in numbers))
    return []


# --- size -----------------------------------------------------------------------------------------
@asks("report.size")
async def _ask_size(ctx: Ctx, _data: dict[str, Any]) -> None:
    ctx.ask(
        "report.size",
        ctx._("How big is the dump?"),
        [Choice(f"size:{s}", ctx._(label)) for s, label in SIZE_LABELS.items()],
    )


@draft_step
async def on_size(ctx: Ctx, data: dict[str, Any]) -> None:
    size = (ctx.choice or "").removeprefix("size:")
    if size not in {str(s) for s in SIZE_LABELS}:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    data["size"] = size
    await save_and_advance(ctx, data)


# --- comment --------------------------------------------------------------------------------------
@asks("report.comment")
async def _ask_comment(ctx: Ctx, _data: dict[str, Any]) -> None:
    ctx.ask(
        "report.comment",
        ctx._(
            "Add a comment if it helps to find or clean the dump (up to {max} characters), "
            "or press «Skip».",
            max=MAX_COMMENT,
        ),
        [Choice(SKIP, ctx._("⏭ Skip"))],
    )


@draft_step
async def on_comment(ctx: Ctx, data: dict[str, Any]) -> None:
    if ctx.choice == SKIP:
        data["comment"] = None
    elif ctx.incoming.kind is Kind.TEXT and ctx.text:
        if len(ctx.text) > MAX_COMMENT:
            ctx.reprompt(
                ctx._(
                    "The comment is too long: at most {max} characters, please shorten it.",
                    max=MAX_COMMENT,
                )
            )
            return
        data["comment"] = ctx.text
    else:
        ctx.reprompt(ctx._("Please type a comment, or press «Skip»."))
        return
    await save_and_advance(ctx, data)
