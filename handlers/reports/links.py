"""Links to a report: `r-<id>` (for example `t.me/<bot>?start=r-12`) opens the report in «My
reports» for its reporter; anyone else is told the link is not theirs and gets the menu."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.reports.my_reports import show_report
from handlers.router import Router
from handlers.start import show_menu
from storage.reports import Report

REPORT_LINK = "r"
MAX_ID_DIGITS = 18  # a bigger number is not one of ours (and would overflow BIGINT)


def register(router: Router) -> None:
    router.deep_link(REPORT_LINK)(open_report_link)


async def open_report_link(ctx: Ctx, argument: str) -> None:
    report_id = int(argument) if argument.isdigit() and len(argument) <= MAX_ID_DIGITS else None
    report = await ctx.session.get(Report, report_id) if report_id else None
    if report is None or report.reporter_id != ctx.user.id:
        await show_menu(ctx, ctx._("This link is not valid, or the report is not yours."))
        return
    await show_report(ctx, report)
