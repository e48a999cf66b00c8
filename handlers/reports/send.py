"""The end of the report flow: the summary, sending it, and the daily limit sending respects.

Sending creates the report and the form engine drops the draft in the same transaction, so a second
press creates nothing. Joining an existing report (handlers.reports.duplicates) ends the same way:
the draft's photos go to a report and the same closing question follows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from handlers.buttons import button
from handlers.context import Ctx
from handlers.forms import Answers, Question
from handlers.moderation.coverage import what_happens_next
from handlers.i18n import KZ_TZ
from handlers.places import place_name
from handlers.reports.labels import page_line, report_page, size_name, waste_names
from handlers.start import show_menu
from handlers.types import Choice
from handlers.usage import REPORT, count_use, limits, used_today
from storage.reports import LocationSource, Report, ReportPhoto, ReportStatus, ReportStatusChange


@button("sent")
@dataclass(frozen=True)
class SentPick:
    """After a report is sent (or joined to another): see my reports, or report another dump."""

    next: Literal["mine", "another"]


MY_REPORTS, ANOTHER = SentPick("mine"), SentPick("another")


async def summary(ctx: Ctx, data: Answers) -> Question:
    """Everything the report will say, each part with its «Change» below."""
    lines = [
        ctx._("Please check your report:"),
        ctx.ngettext("📸 {n} photo", "📸 {n} photos", len(data["photos"])),
        "📍 " + place_name(ctx, data["region"], data.get("district")),
    ]
    if data.get("source") == LocationSource.PHOTO:
        lines.append(ctx._("   (the photo's location)"))
    if data.get("lat") is None:
        lines.append(ctx._("   (no point on the map: the moderators will look for it by the district and the landmark)"))
    if data.get("address"):
        lines.append("📝 " + data["address"])
    lines.append("🗑 " + waste_names(ctx.tr, data["waste"]))
    lines.append("📏 " + size_name(ctx.tr, data.get("size")))
    lines.append("💬 " + (data.get("comment") or ctx._("no comment")))
    lines.append(ctx._("A new photo or location sent now is added to the report."))
    return Question("\n".join(lines), photo_path=data["photos"][0]["thumb_path"])


async def send_report(ctx: Ctx, data: Answers) -> bool:
    """Create the report from the confirmed answers; False (the draft stays) over the daily limit."""
    if await over_daily_limit(ctx):
        await show_menu(ctx, flood_text(ctx))
        return False
    report = await create_report(ctx, data)
    ask_sent(
        ctx,
        ctx._("✅ Thank you! Your report {code} is registered.", code=report.code)
        + "\n\n"
        + await what_happens_next(ctx, report.region_code)
        + " "
        + ctx._("I will write to you when its status changes. You can follow it in «My reports».")
        + page_line(ctx.tr, report_page(ctx.router.services, report)),
    )
    return True


async def create_report(ctx: Ctx, data: Answers) -> Report:
    report = Report(
        reporter_id=ctx.user.id,
        status=ReportStatus.NEW,
        region_code=data["region"],
        district_pcode=data.get("district"),
        latitude=data.get("lat"),
        longitude=data.get("lon"),
        location_source=data.get("source") or LocationSource.REGION,
        address=data.get("address"),
        waste_types=list(data["waste"]),
        size=data.get("size"),
        comment=data.get("comment"),
        confirmations_count=0,
        created_at=ctx.now,
        updated_at=ctx.now,
        photos=[],
        history=[],
    )
    add_photos(ctx, report, data["photos"])
    report.history.append(
        ReportStatusChange(
            old_status=None, new_status=ReportStatus.NEW, changed_by_id=ctx.user.id, changed_at=ctx.now
        )
    )
    ctx.session.add(report)
    await ctx.session.flush()
    await count_use(ctx, REPORT)
    return report


def add_photos(ctx: Ctx, report: Report, photos: list[dict[str, Any]]) -> int:
    """Attach the draft's photos the report does not have yet; how many were added."""
    known = {p.sha256 for p in report.photos}
    position = max((p.position for p in report.photos), default=-1) + 1
    added = 0
    for photo in photos:
        if photo["sha256"] in known:
            continue
        known.add(photo["sha256"])
        report.photos.append(
            ReportPhoto(
                position=position,
                path=photo["path"],
                thumb_path=photo["thumb_path"],
                sha256=photo["sha256"],
                phash=photo["phash"],
                width=photo["width"],
                height=photo["height"],
                added_by_id=ctx.user.id,
                created_at=ctx.now,
            )
        )
        position += 1
        added += 1
    return added


def ask_sent(ctx: Ctx, text: str) -> None:
    """The closing question; its answers are handled by `handlers.reports.on_sent`."""
    ctx.ask(
        "report.sent",
        text,
        [Choice(MY_REPORTS.id, ctx._("📋 My reports")), Choice(ANOTHER.id, ctx._("📸 Report another dump"))],
    )


# --- anti-flood -----------------------------------------------------------------------------------
async def over_daily_limit(ctx: Ctx) -> bool:
    """Reports per person per day (Kazakhstan's calendar day), counted across /forget."""
    return await used_today(ctx, REPORT) >= limits(ctx).reports_per_day


def flood_text(ctx: Ctx) -> str:
    return ctx.ngettext(
        "You have sent {n} report today, the most one person can send in a day. Thank you for "
        "your care! Please come back tomorrow.",
        "You have sent {n} reports today, the most one person can send in a day. Thank you for "
        "your care! Please come back tomorrow.",
        limits(ctx).reports_per_day,
    )
