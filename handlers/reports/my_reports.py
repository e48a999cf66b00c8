""""My reports": the citizen's reports, newest first, and one in detail with its photo and status
history. Also what reports add to /mydata, /forget and the profile."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import func, select, update

from handlers.buttons import button
from handlers.context import Ctx
from handlers.i18n import N_
from handlers.places import place_name
from handlers.reports.labels import report_headline, report_place, size_name, status_name, waste_names
from handlers.services import GEO, GeoService
from handlers.router import Router
from handlers.start import show_menu
from handlers.types import Choice
from storage.reports import (
    Report,
    ReportConfirmation,
    ReportPhoto,
    ReportStatus,
    ReportStatusChange,
)

PAGE = 8


@button("myrep")
@dataclass(frozen=True)
class MyReportsPress:
    """A report of the list ("open", its id), or a page of the list ("page", its offset)."""

    verb: Literal["open", "page"]
    n: int = 0


FIRST_PAGE = MyReportsPress("page")


def register(router: Router) -> None:
    router.menu_entry("my_reports", N_("📋 My reports"), 15)(show_my_reports)
    router.command("myreports")(show_my_reports)
    router.step("myreports.list")(on_list_choice)
    router.step("myreports.detail")(on_detail_choice)
    router.personal_data("reports", export_reports, detach_reports)
    router.profile_lines.append(profile_lines)
    router.data_lines.append(data_lines)


async def show_my_reports(ctx: Ctx, offset: int = 0) -> None:
    total = await ctx.session.scalar(
        select(func.count(Report.id)).where(Report.reporter_id == ctx.user.id)
    )
    if not total:
        await show_menu(
            ctx,
            ctx._("You have not sent any reports yet. Press «Report a dump» to send the first one."),
        )
        return
    reports = (
        await ctx.session.scalars(
            select(Report)
            .where(Report.reporter_id == ctx.user.id)
            .order_by(Report.created_at.desc(), Report.id.desc())
            .offset(offset)
            .limit(PAGE)
        )
    ).all()
    lines = [ctx._("📋 My reports ({n}):", n=int(total))]
    geo: GeoService = ctx.service(GEO)
    choices = []
    for report in reports:
        status = status_name(ctx.tr, report.status)
        lines.append(f"• {report_headline(ctx.tr, report, geo)}: {status}")
        choices.append(Choice(MyReportsPress("open", report.id).id, f"{report.code} · {status}"))
    if offset + PAGE < total:
        choices.append(Choice(MyReportsPress("page", offset + PAGE).id, ctx._("➡️ Older reports")))
    lines.append(ctx._("Choose a report to see it in detail."))
    ctx.ask("myreports.list", "\n".join(lines), choices)


async def on_list_choice(ctx: Ctx) -> None:
    press = MyReportsPress.parse(ctx.choice)
    if press is not None and press.verb == "page":
        await show_my_reports(ctx, press.n)
        return
    report = await ctx.session.get(Report, press.n) if press is not None else None
    if report is None or report.reporter_id != ctx.user.id:
        ctx.reprompt(ctx._("Please choose one of the options below."))
        return
    await show_report(ctx, report)


async def show_report(ctx: Ctx, report: Report) -> None:
    tr = ctx.tr
    lines = [
        ctx._("Report {code}", code=report.code),
        ctx._("Status: {status}", status=status_name(tr, report.status)),
        ctx._("Sent: {when}", when=tr.datetime(report.created_at)),
        "📍 " + place_name(ctx, report.region_code, report.district_pcode),
    ]
    if report.latitude is not None and report.longitude is not None:
        lines.append(f"   {report.latitude:.5f}, {report.longitude:.5f}")
    if report.address:
        lines.append("📝 " + report.address)
    lines.append("🗑 " + waste_names(tr, report.waste_types))
    lines.append("📏 " + size_name(tr, report.size))
    if report.comment:
        lines.append("💬 " + report.comment)
    lines.append(ctx.ngettext("📸 {n} photo", "📸 {n} photos", len(report.photos)))
    if report.confirmations_count:
        lines.append(
            ctx.ngettext(
                "👥 {n} person confirmed the dump",
                "👥 {n} people confirmed the dump",
                report.confirmations_count,
            )
        )
    lines.append("")
    lines.append(ctx._("History:"))
    for change in report.history:
        lines.append(f"• {tr.datetime(change.changed_at)}: {status_name(tr, change.new_status)}")
    ctx.ask(
        "myreports.detail",
        "\n".join(lines),
        [Choice(FIRST_PAGE.id, ctx._("⬅️ Back to my reports"))],
        photo_path=report.photos[0].path if report.photos else None,
    )


async def on_detail_choice(ctx: Ctx) -> None:
    if MyReportsPress.parse(ctx.choice) == FIRST_PAGE:
        await show_my_reports(ctx)
    else:
        ctx.reprompt(ctx._("Please choose one of the options below."))


# --- /mydata, /forget, profile --------------------------------------------------------------------
async def export_reports(ctx: Ctx) -> list[dict[str, Any]]:
    reports = (
        await ctx.session.scalars(
            select(Report).where(Report.reporter_id == ctx.user.id).order_by(Report.id)
        )
    ).all()
    geo: GeoService = ctx.service(GEO)
    return [
        {
            "code": r.code,
            "created_at": r.created_at.isoformat(),
            "status": r.status,
            "status_name": status_name(ctx.tr, r.status),  # the codes, and their names in the person's language
            "region": r.region_code,
            "district": r.district_pcode,
            "place": report_place(geo, ctx.tr.language, r),
            "waste_names": waste_names(ctx.tr, r.waste_types),
            "latitude": r.latitude,
            "longitude": r.longitude,
            "address": r.address,
            "waste_types": r.waste_types,
            "size": r.size,
            "comment": r.comment,
            "photos": [p.path for p in r.photos],
            "history": [
                {"at": h.changed_at.isoformat(), "status": h.new_status} for h in r.history
            ],
        }
        for r in reports
    ]


async def detach_reports(ctx: Ctx) -> None:
    """/forget: the reports stay (the dumps are real) but nothing links them to the person."""
    uid = ctx.user.id
    session = ctx.session
    await session.execute(  # the person's own words may name them ("call me at ...")
        update(Report).where(Report.reporter_id == uid).values(reporter_id=None, comment=None, address=None)
    )
    await session.execute(
        update(ReportPhoto).where(ReportPhoto.added_by_id == uid).values(added_by_id=None)
    )
    await session.execute(  # a dispute's reason is the person's own words
        update(ReportStatusChange)
        .where(
            ReportStatusChange.changed_by_id == uid,
            ReportStatusChange.new_status == ReportStatus.DISPUTED,
        )
        .values(note=None)
    )
    await session.execute(
        update(ReportStatusChange)
        .where(ReportStatusChange.changed_by_id == uid)
        .values(changed_by_id=None)
    )
    await session.execute(
        update(ReportConfirmation).where(ReportConfirmation.user_id == uid).values(user_id=None)
    )


async def data_lines(ctx: Ctx) -> list[str]:
    """/mydata in words: each report on its headline's line, with its status."""
    reports = (
        await ctx.session.scalars(
            select(Report).where(Report.reporter_id == ctx.user.id).order_by(Report.id)
        )
    ).all()
    if not reports:
        return []
    geo: GeoService = ctx.service(GEO)
    lines = [ctx._("📋 My reports ({n}):", n=len(reports))]
    for report in reports:
        lines.append(f"• {report_headline(ctx.tr, report, geo)}: {status_name(ctx.tr, report.status)}")
        if report.comment:
            lines.append("  💬 " + report.comment)
    return lines


async def profile_lines(ctx: Ctx) -> list[str]:
    count = await ctx.session.scalar(
        select(func.count(Report.id)).where(Report.reporter_id == ctx.user.id)
    )
    return [ctx._("Reports sent: {n}", n=int(count or 0))]
