"""The citizen's flow: report an illegal dump in under a minute.

Photos (1 to 5) -> location (shared, the photo's EXIF GPS, a typed address when geocoding is on,
or the region picked from the list) -> "is it this report?" when an open report is within 50 m or
has a near-identical photo -> waste types -> size -> optional comment -> summary -> send.

The draft lives in `report_drafts` (not in the conversation state), so a detour through the menu
does not lose it; "Report a dump" then offers to continue it or start over. Sending deletes the
draft in the same transaction that creates the report, so a second press creates nothing.

This module registers the whole flow and holds its entry and its last answer; each step lives in
its own module: report_photos, report_location, report_duplicates, report_details (waste types,
size, comment) and report_send (summary, sending, daily limit). report_draft keeps the draft and
`advance`, which every step calls, so the step modules never import this one.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.context import Ctx
from handlers.i18n import N_
from handlers.reports.my_reports import show_my_reports
from handlers.reports.details import on_comment, on_size, on_waste
from handlers.reports.draft import DISCARD, advance, draft_step, load_draft, save_and_advance
from handlers.reports.duplicates import on_duplicate
from handlers.reports.location import on_location, on_region
from handlers.reports.photos import on_photo
from handlers.reports.send import ANOTHER, MY_REPORTS, flood_text, on_confirm, over_daily_limit
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import Choice

DRAFT_MAX_AGE = timedelta(days=7)
CONTINUE = "draft:continue"


def register(router: Router) -> None:
    router.menu_entry("report", N_("📸 Report a dump"), 10)(start_report)
    router.command("report")(start_report)
    router.step("report.resume")(on_resume)
    router.step("report.photo")(on_photo)
    router.step("report.location")(on_location)
    router.step("report.region")(on_region)
    router.step("report.duplicate")(on_duplicate)
    router.step("report.waste")(on_waste)
    router.step("report.size")(on_size)
    router.step("report.comment")(on_comment)
    router.step("report.confirm")(on_confirm)
    router.step("report.sent")(on_sent)
    router.menu_photo = start_report_with_photo


# --- entry ----------------------------------------------------------------------------------------
async def start_report(ctx: Ctx) -> None:
    if await over_daily_limit(ctx):
        await show_menu(ctx, flood_text(ctx))
        return
    draft = await load_draft(ctx)
    if draft is not None and ctx.now - draft.updated_at > DRAFT_MAX_AGE:
        await ctx.session.delete(draft)
        draft = None
    if draft is not None and draft.data.get("photos"):
        n = len(draft.data["photos"])
        ctx.ask(
            "report.resume",
            ctx.ngettext(
                "You have a report you have not sent yet ({n} photo). Continue it or start a new one?",
                "You have a report you have not sent yet ({n} photos). Continue it or start a new one?",
                n,
            ),
            [
                Choice(CONTINUE, ctx._("▶️ Continue it")),
                Choice(DISCARD, ctx._("🗑 Discard it and start a new one")),
            ],
        )
        return
    await save_and_advance(ctx, {"photos": []})


async def start_report_with_photo(ctx: Ctx) -> None:
    """A photo sent at the main menu starts a report with it (unless a draft or the daily limit
    needs an answer first)."""
    queued = len(ctx.outbox)
    await start_report(ctx)
    if ctx.step == "report.photo":
        del ctx.outbox[queued:]  # the "send a photo" prompt: the photo is already here
        await on_photo(ctx)


@draft_step
async def on_resume(ctx: Ctx, data: dict[str, Any]) -> None:
    if ctx.choice == CONTINUE:
        await advance(ctx, data)
    elif ctx.choice == DISCARD:
        ctx.reply(ctx._("The unsent report is discarded."))
        await save_and_advance(ctx, {"photos": []})
    else:
        ctx.reprompt(ctx._("Please choose one of the options below."))


# --- after sending --------------------------------------------------------------------------------
async def on_sent(ctx: Ctx) -> None:
    """The answer to report_send.ask_sent: here because "another" starts the flow again."""
    if ctx.choice == MY_REPORTS:
        await show_my_reports(ctx)
    elif ctx.choice == ANOTHER:
        await start_report(ctx)
    else:
        await show_menu(ctx)
