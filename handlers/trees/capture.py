"""A capture: how many of a planting's trees are alive now, with an optional photo. It answers a
survival check-in (the buttons of the question jobs/trees.py sends 6 and 12 months after a
planting: «Answer», «Remind me in a week») or is added by the citizen from the planting's card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from sqlalchemy import select

from handlers.buttons import button
from handlers.context import Ctx
from handlers.points.ledger import award
from storage.points import RULES, TREES_PER_CHECKIN_CAP, Deed
from handlers.photo_input import take_photo
from handlers.start import show_menu
from handlers.trees.my_trees import own_planting, show_card
from handlers.types import Choice, Kind
from storage.trees import CaptureSource, TreeCapture, TreeCheckin, TreePlanting

REMIND_AFTER = timedelta(days=7)


@button("treecheck")
@dataclass(frozen=True)
class CheckinPress:
    """A button of a survival check-in question: answer it now, or be asked again in a week."""

    verb: Literal["answer", "later"]
    planting_id: int
    months: int


@button("alive")
@dataclass(frozen=True)
class AlivePress:
    """«All of them», «None», «Skip the photo» on the capture's questions."""

    answer: Literal["all", "none", "skip"]


ALL, NONE, SKIP = AlivePress("all"), AlivePress("none"), AlivePress("skip")


async def _checkin(ctx: Ctx, planting: TreePlanting, months: int) -> TreeCheckin | None:
    return await ctx.session.scalar(
        select(TreeCheckin)
        .where(TreeCheckin.planting_id == planting.id, TreeCheckin.months == months)
        .with_for_update()
    )


async def on_checkin(ctx: Ctx) -> None:
    """The action of a check-in's buttons, whatever step the chat is at."""
    press: CheckinPress = ctx.button
    planting = await own_planting(ctx, press.planting_id)
    if planting is None:
        return
    checkin = await _checkin(ctx, planting, press.months)
    if checkin is None:
        ctx.reply(ctx._("This button is no longer valid. Please use the buttons of the latest message."))
        return
    if checkin.answered_at is not None:
        await show_menu(ctx, ctx._("You have already answered this check-in. Thank you!"))
        return
    if press.verb == "later":
        checkin.remind_at = ctx.now + REMIND_AFTER
        await show_menu(ctx, ctx._("All right: I will ask again in a week."))
        return
    await start_capture(ctx, planting, press.months)


async def start_capture(ctx: Ctx, planting: TreePlanting, months: int = 0) -> None:
    ctx.end_flow()
    ctx.data.update(planting_id=planting.id, months=months)
    name = planting.display_species(ctx.tr.language)
    ctx.ask(
        "trees.alive",
        ctx._(
            "{species} × {count}, planted on {date}\nHow many of these trees are alive now? Type the "
            "number, or use a button.",
            species=name,
            count=planting.count,
            date=ctx.tr.day(planting.planted_on),
        ),
        [
            Choice(ALL.id, ctx._("🌳 All of them are alive")),
            Choice(NONE.id, ctx._("🥀 None survived")),
        ],
        number_answer=True,
    )


async def on_alive(ctx: Ctx) -> None:
    planting = await own_planting(ctx, ctx.data.get("planting_id"))
    if planting is None:
        ctx.end_flow()
        return
    press = AlivePress.parse(ctx.choice)
    if press == ALL:
        alive = planting.count
    elif press == NONE:
        alive = 0
    elif ctx.incoming.kind is Kind.TEXT and ctx.text.isdecimal() and ctx.text.isascii():
        alive = int(ctx.text)
        if alive > planting.count:
            ctx.reprompt(
                ctx.ngettext(
                    "You planted {n} tree here, so no more than {n} can be alive. Please type the number again.",
                    "You planted {n} trees here, so no more than {n} can be alive. Please type the number again.",
                    planting.count,
                )
            )
            return
    else:
        ctx.reprompt(ctx._("Please type how many trees are alive as a number (0 if none), or use a button."))
        return
    ctx.data["alive"] = alive
    ctx.ask(
        "trees.capture_photo",
        ctx._("Send a photo of the trees as they are now, or press «Skip»."),
        [Choice(SKIP.id, ctx._("⏭ Skip"))],
    )


async def on_capture_photo(ctx: Ctx) -> None:
    planting = await own_planting(ctx, ctx.data.get("planting_id"))
    if planting is None or not isinstance(ctx.data.get("alive"), int):
        ctx.end_flow()
        return
    photo: dict | None = None
    if ctx.incoming.kind is Kind.PHOTO:
        taken = await take_photo(ctx)
        if isinstance(taken, str):
            ctx.reprompt(taken)
            return
        photo = taken
    elif AlivePress.parse(ctx.choice) != SKIP:
        ctx.reprompt(ctx._("Please send a photo, or press «Skip»."))
        return
    months = int(ctx.data.get("months") or 0)
    checkin = await _checkin(ctx, planting, months) if months else None
    capture = TreeCapture(
        planting_id=planting.id,
        captured_at=ctx.now,
        source=CaptureSource.CHECKIN if checkin else CaptureSource.CITIZEN,
        alive=ctx.data["alive"],
        photo_path=photo["path"] if photo else None,
        thumb_path=photo["thumb_path"] if photo else None,
        sha256=photo["sha256"] if photo else None,
        added_by_id=ctx.user.id,
    )
    planting.captures.append(capture)
    if checkin is not None:  # the 6- and 12-month check-ins are the deeds; a citizen's extra capture is not
        alive = min(int(ctx.data["alive"]), TREES_PER_CHECKIN_CAP) * RULES[Deed.TREES_ALIVE]
        await award(ctx, ctx.user.id, Deed.TREES_ALIVE, f"{planting.id}:{months}", alive, planting.region_code)
    if checkin is not None and checkin.answered_at is None:
        checkin.answered_at = ctx.now
        checkin.remind_at = None
    ctx.end_flow()
    await show_card(ctx, planting, ctx._("Thank you! The check-in is recorded."))
