"""The citizen's flow: report an illegal dump in four taps.

A photo (its EXIF GPS is the location, not asked about) -> the location, only when the photo has
none (shared, a typed address, or the region, district and a landmark) -> "is it this report?" when
an open report is within 50 m or has a near-identical photo -> the kind of waste (one tap; the size
on the same screen) -> the summary, with «Change» for each part and the optional comment -> send.
More photos and a new location are taken at any step (`photos.take_anywhere`).

The flow is one form (handlers.forms): its draft is a row of `form_drafts`, so a detour through the
menu does not lose it; "Report a dump" then offers to continue it or start over. Sending deletes the
draft in the same transaction that creates the report, so a second press creates nothing.

This module declares the form, registers the flow, and holds its entry and its last answer; each
field lives in its own module: photos, location, duplicates, details (waste type, size, comment);
send has the summary, sending and the daily limit; again has a rejection as its reporter reads it
and «Send again».
"""

from __future__ import annotations

from datetime import timedelta

from handlers.context import Ctx
from handlers.forms import Answers, Form
from handlers.i18n import N_
from handlers.reports import again
from handlers.reports.details import COMMENT, WASTE
from handlers.reports.duplicates import DUPLICATE
from handlers.reports.location import LOCATION
from handlers.reports.my_reports import show_my_reports
from handlers.reports.photos import PHOTO, take_anywhere
from handlers.reports.send import (
    ANOTHER,
    MY_REPORTS,
    SentPick,
    flood_text,
    over_daily_limit,
    send_report,
    summary,
)
from handlers.router import Router
from handlers.start import show_menu


def _unsent(ctx: Ctx, data: Answers) -> str | None:
    """A draft with photos is worth continuing; one without is simply started again."""
    n = len(data.get("photos", []))
    if not n:
        return None
    return ctx.ngettext(
        "You have a report you have not sent yet ({n} photo). Continue it or start a new one?",
        "You have a report you have not sent yet ({n} photos). Continue it or start a new one?",
        n,
    )


REPORT = Form(
    "report",
    (PHOTO, LOCATION, DUPLICATE, WASTE, COMMENT),
    summary=summary,
    submit=send_report,
    confirm_label=N_("✅ Send the report"),
    discarded=N_("The report is discarded."),
    resume_question=_unsent,
    max_age=timedelta(days=7),
    anywhere=take_anywhere,
)


def register(router: Router) -> None:
    router.menu_entry("report", N_("📸 Report a dump"), 10)(start_report)
    router.command("report")(start_report)
    REPORT.register(router)
    again.register(router, REPORT)
    router.step("report.sent")(on_sent)
    router.menu_photo = start_report_with_photo


# --- entry ----------------------------------------------------------------------------------------
async def start_report(ctx: Ctx) -> None:
    if await over_daily_limit(ctx):
        await show_menu(ctx, flood_text(ctx))
        return
    await REPORT.open(ctx)


async def start_report_with_photo(ctx: Ctx) -> None:
    """A photo sent at the main menu starts a report with it (unless a draft or the daily limit
    needs an answer first)."""
    queued = len(ctx.outbox)
    await start_report(ctx)
    photo_step = REPORT.step(PHOTO.name)
    if ctx.step == photo_step:
        del ctx.outbox[queued:]  # the "send a photo" prompt: the photo is already here
        await ctx.router.steps[photo_step](ctx)


# --- after sending --------------------------------------------------------------------------------
async def on_sent(ctx: Ctx) -> None:
    """The answer to send.ask_sent: here because "another" starts the flow again."""
    pick = SentPick.parse(ctx.choice)
    if pick == MY_REPORTS:
        await show_my_reports(ctx)
    elif pick == ANOTHER:
        await start_report(ctx)
    else:
        await show_menu(ctx)

