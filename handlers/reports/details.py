"""The report's details, asked after the place is settled: waste types, size, optional comment."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.buttons import button
from handlers.context import Ctx
from handlers.forms import DONE, SKIP, Answers, Field, FormPress, Question, optional_text
from handlers.i18n import N_
from handlers.reports.labels import SIZE_LABELS, WASTE_LABELS
from handlers.types import Choice
from storage.reports import DumpSize, WasteType

MAX_COMMENT = 500


@button("waste")
@dataclass(frozen=True)
class WastePick:
    """Ticks or unticks one kind of waste."""

    waste: WasteType


@button("size")
@dataclass(frozen=True)
class SizePick:
    size: DumpSize


# --- waste types ----------------------------------------------------------------------------------
async def _ask_waste(ctx: Ctx, data: Answers) -> Question:
    chosen = set(data.get("picked_waste", []))
    choices = [
        Choice(WastePick(w).id, ("✅ " if w in chosen else "▫️ ") + ctx._(label))
        for w, label in WASTE_LABELS.items()
    ]
    if chosen:
        choices.append(Choice(DONE.id, ctx._("➡️ Next")))
    return Question(
        ctx._(
            "What kind of waste is it? Choose all that apply (press again to remove), then «Next». "
            "You can also type the numbers, for example 1, 3."
        ),
        choices,
    )


async def _parse_waste(ctx: Ctx, data: Answers) -> Answers | str:
    picked: list[str] = list(data.get("picked_waste", []))
    if FormPress.parse(ctx.choice) == DONE and picked:
        return {"waste": [w for w in WasteType if w in picked]}
    toggles = _waste_toggles(ctx)
    if not toggles:
        return ctx._("Please choose the kinds of waste with the buttons below.")
    for waste in toggles:
        if waste in picked:
            picked.remove(waste)
        else:
            picked.append(waste)
    return {"picked_waste": picked}  # the question again, with the new ticks


def _waste_toggles(ctx: Ctx) -> list[str]:
    """The waste kinds a press or a typed list ("1, 3 5") names."""
    pick = WastePick.parse(ctx.choice)
    if pick is not None:
        return [str(pick.waste)]
    kinds = list(WASTE_LABELS)
    numbers = ctx.text.replace(",", " ").split()
    if numbers and all(n.isdigit() and 1 <= int(n) <= len(kinds) for n in numbers):
        return list(dict.fromkeys(str(kinds[int(n) - 1]) for n in numbers))
    return []


# --- size -----------------------------------------------------------------------------------------
async def _ask_size(ctx: Ctx, _data: Answers) -> Question:
    return Question(
        ctx._("How big is the dump?"),
        [Choice(SizePick(s).id, ctx._(label)) for s, label in SIZE_LABELS.items()],
    )


async def _parse_size(ctx: Ctx, _data: Answers) -> Answers | str:
    pick = SizePick.parse(ctx.choice)
    if pick is None:
        return ctx._("Please choose one of the options below.")
    return {"size": str(pick.size)}


# --- comment --------------------------------------------------------------------------------------
async def _ask_comment(ctx: Ctx, _data: Answers) -> Question:
    return Question(
        ctx._(
            "Add a comment if it helps to find or clean the dump (up to {max} characters), "
            "or press «Skip».",
            max=MAX_COMMENT,
        ),
        [Choice(SKIP.id, ctx._("⏭ Skip"))],
    )


WASTE = Field(
    "waste",
    _ask_waste,
    _parse_waste,
    keys=("waste", "picked_waste"),  # the kinds, once «Next» is pressed; the ticks so far
    edit_label=N_("✏️ Edit the waste types"),
)
SIZE = Field("size", _ask_size, _parse_size, edit_label=N_("✏️ Edit the size"))
COMMENT = Field(
    "comment",
    _ask_comment,
    optional_text(
        "comment",
        MAX_COMMENT,
        N_("Please type a comment, or press «Skip»."),
        N_("The comment is too long: at most {max} characters, please shorten it."),
    ),
    edit_label=N_("✏️ Edit the comment"),
)
