"""The report draft and `advance`, which asks for the first thing the draft still lacks.

The draft is a row of `report_drafts`, locked for the step's transaction. Each step module of the
report flow registers the question it asks with `@asks(step)`; `advance` picks that step from the
draft alone, in the flow's order. The step modules import this module and never `handlers.reports`,
so the flow's modules import each other without a cycle.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.orm.attributes import flag_modified

from handlers.context import Ctx
from handlers.start import show_menu
from storage.reports import ReportDraft

MAX_PHOTOS = 5
DISCARD = "draft:discard"  # on the "continue the draft?" question and on the summary

# Asks the question of one step, given the draft's data.
Asker = Callable[[Ctx, dict[str, Any]], Awaitable[None]]
_ASKERS: dict[str, Asker] = {}


def asks(step: str) -> Callable[[Asker], Asker]:
    """Make `asker` the question `advance` asks when the draft lacks what `step` collects."""

    def decorate(asker: Asker) -> Asker:
        if step in _ASKERS:
            raise ValueError(f"step {step} has an asker already")
        _ASKERS[step] = asker
        return asker

    return decorate


async def load_draft(ctx: Ctx) -> ReportDraft | None:
    return await ctx.session.get(ReportDraft, ctx.user.id, with_for_update=True)


async def draft_data(ctx: Ctx) -> dict[str, Any] | None:
    """A copy of the draft's data: steps change it and store it back with `save_draft`."""
    draft = await load_draft(ctx)
    return copy.deepcopy(draft.data) if draft else None


async def save_draft(ctx: Ctx, data: dict[str, Any]) -> None:
    draft = await ctx.session.get(ReportDraft, ctx.user.id)  # locked by `load_draft` if it exists
    if draft is None:
        ctx.session.add(ReportDraft(user_id=ctx.user.id, data=data, updated_at=ctx.now))
    else:
        draft.data = data
        flag_modified(draft, "data")
        draft.updated_at = ctx.now


async def drop_draft(ctx: Ctx) -> None:
    draft = await ctx.session.get(ReportDraft, ctx.user.id)
    if draft is not None:
        await ctx.session.delete(draft)


def next_step(data: dict[str, Any]) -> str:
    """The step that collects the first thing the draft lacks, so a resumed draft continues
    where it was."""
    photos = data.get("photos", [])
    if not photos or (len(photos) < MAX_PHOTOS and not data.get("photos_done")):
        return "report.photo"
    if not data.get("region"):
        return "report.location"
    if not data.get("duplicate_checked"):
        return "report.duplicate"
    if not data.get("waste"):
        return "report.waste"
    if not data.get("size"):
        return "report.size"
    if "comment" not in data:
        return "report.comment"
    return "report.confirm"


async def advance(ctx: Ctx, data: dict[str, Any]) -> None:
    """Ask for the first thing the draft still lacks."""
    await _ASKERS[next_step(data)](ctx, data)


async def save_and_advance(ctx: Ctx, data: dict[str, Any]) -> None:
    await save_draft(ctx, data)
    await advance(ctx, data)


DraftStep = Callable[[Ctx, dict[str, Any]], Awaitable[None]]


def draft_step(step: DraftStep) -> Callable[[Ctx], Awaitable[None]]:
    """A step of the report flow, given the draft's data (loaded and locked once per step). With
    no draft left (sent, discarded, or an old message answered) the user gets the menu."""

    @functools.wraps(step)
    async def run(ctx: Ctx) -> None:
        data = await draft_data(ctx)
        if data is None:
            await show_menu(ctx)
            return
        await step(ctx, data)

    return run
