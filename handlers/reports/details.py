"""The report's details on one screen of single taps: the kind of waste (a tap answers the screen)
and, if the person knows it, the size (a tap marks it, before or after). The comment is not asked:
the summary offers it (an on-request field)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.buttons import button
from handlers.context import Ctx
from handlers.forms import SKIP, Answers, Field, Question, optional_text
from handlers.i18n import N_
from handlers.places import place_name
from handlers.reports.labels import SIZE_LABELS, WASTE_LABELS
from handlers.reports.photos import MAX_COMMENT
from handlers.sites.hazards import URGENT_WASTE, call_112, is_urgent
from handlers.types import Choice
from storage.reports import DumpSize, WasteType


@button("waste")
@dataclass(frozen=True)
class WastePick:
    waste: WasteType


@button("size")
@dataclass(frozen=True)
class SizePick:
    size: DumpSize


async def _ask_details(ctx: Ctx, data: Answers) -> Question:
    lines = []
    if data.get("region"):
        lines.append("📍 " + place_name(ctx, data["region"], data.get("district")))
    lines.append(ctx._("What kind of waste is it? One tap and you will see the report before sending it."))
    lines.append(ctx._("If you know the size, mark it below the kinds of waste."))
    picked_size = data.get("size")
    choices = [Choice(WastePick(w).id, ctx._(label)) for w, label in WASTE_LABELS.items() if w not in URGENT_WASTE]
    choices += [
        Choice(SizePick(s).id, ("✅ " if s == picked_size else "📏 ") + ctx._(label)) for s, label in SIZE_LABELS.items()
    ]
    # Urgent hazards last, so the kinds and sizes keep the numbers WhatsApp users type.
    choices += [Choice(WastePick(w).id, ctx._(WASTE_LABELS[w])) for w in URGENT_WASTE]
    return Question("\n".join(lines), choices)


async def _parse_details(ctx: Ctx, data: Answers) -> Answers | str:
    waste = WastePick.parse(ctx.choice)
    if waste is not None:
        if is_urgent([waste.waste]):
            ctx.reply(call_112(ctx.tr))  # at once, before the summary and sending
        return {"waste": [str(waste.waste)], "size": data.get("size")}
    size = SizePick.parse(ctx.choice)
    if size is not None:
        return {"size": str(size.size)}  # the screen again, the size ticked
    return ctx._("Please choose the kind of waste with the buttons below.")


async def _ask_comment(ctx: Ctx, data: Answers) -> Question:
    lines = [
        ctx._(
            "Type a comment that helps to find or clean the dump (up to {max} characters).",
            max=MAX_COMMENT,
        )
    ]
    choices = []
    if data.get("comment"):
        lines.append(ctx._("Now: «{comment}»", comment=data["comment"]))
        choices.append(Choice(SKIP.id, ctx._("🗑 Remove the comment")))
    return Question("\n".join(lines), choices)


WASTE = Field(
    "waste",
    _ask_details,
    _parse_details,
    keys=("waste", "size"),
    edit_label=N_("✏️ Change the waste type or size"),
)
COMMENT = Field(
    "comment",
    _ask_comment,
    optional_text(
        "comment",
        MAX_COMMENT,
        N_("Please type a comment, or press «Back»."),
        N_("The comment is too long: at most {max} characters, please shorten it."),
    ),
    on_request=True,
    edit_label=N_("💬 Add or change the comment"),
)
