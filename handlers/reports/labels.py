"""Translatable names of report statuses, waste types and sizes (shared by every flow that shows
a report: the citizen's, "my reports", moderation), and how a report is named to its reporter:
the headline of every status message and of every line of «My reports»."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from handlers.i18n import N_, Translator
from handlers.services import GeoService
from handlers.types import Choice, Reply
from storage.reports import PUBLISHED_STATUSES, DumpSize, Report, ReportStatus, WasteType

STATUS_LABELS = {
    ReportStatus.NEW: N_("new"),
    ReportStatus.QUEUED: N_("queued"),
    ReportStatus.CONFIRMED: N_("confirmed"),
    ReportStatus.IN_PROGRESS: N_("in progress"),
    ReportStatus.CLEANED: N_("cleaned"),
    ReportStatus.REJECTED: N_("rejected"),
    ReportStatus.DUPLICATE: N_("duplicate"),
    ReportStatus.DISPUTED: N_("disputed"),
}

WASTE_LABELS = {
    WasteType.HOUSEHOLD: N_("Household waste"),
    WasteType.CONSTRUCTION: N_("Construction waste"),
    WasteType.PLASTIC: N_("Plastic"),
    WasteType.TYRES: N_("Tyres"),
    WasteType.HAZARDOUS: N_("Hazardous or chemical waste"),
    WasteType.ORGANIC: N_("Organic or garden waste"),
    WasteType.METAL: N_("Scrap metal"),
    WasteType.ELECTRONICS: N_("E-waste"),
    WasteType.OTHER: N_("Other"),
}

SIZE_LABELS = {
    DumpSize.BAG: N_("Fits in a bag"),
    DumpSize.WHEELBARROW: N_("Needs a wheelbarrow"),
    DumpSize.TRUCK: N_("Needs a truck"),
}


def status_name(tr: Translator, status: str) -> str:
    label = STATUS_LABELS.get(status)  # type: ignore[call-overload]  (StrEnum keys match str)
    return tr._(label) if label else status


def waste_names(tr: Translator, types: list[str]) -> str:
    return ", ".join(tr._(WASTE_LABELS[t]) for t in types if t in WASTE_LABELS)  # type: ignore[index]


def size_name(tr: Translator, size: str | None) -> str:
    label = SIZE_LABELS.get(size) if size else None  # type: ignore[call-overload]
    return tr._(label) if label else "—"



# --- how a report is named to its reporter -------------------------------------------------------
def report_place(geo: GeoService, language: str, report: Report) -> str:
    """"Есіл ауданы, Астана қаласы": the district first (what a neighbour calls the place), then
    the region; the region alone when no district is known."""
    region = geo.regions.get(report.region_code)
    district = geo.districts.get(report.district_pcode) if report.district_pcode else None
    parts = [district.name(language)] if district is not None else []
    parts.append(region.name(language) if region is not None else report.region_code)
    return ", ".join(parts)


def report_headline(tr: Translator, report: Report, geo: GeoService) -> str:
    """One line that lets a citizen tell their reports apart without remembering codes:
    "TZ-000012 · Есіл ауданы, Астана қаласы · Пластик · 29 қар. 2026". Every status message and
    every line of «My reports» starts with it."""
    parts = [report.code, report_place(geo, tr.language, report)]
    waste = waste_names(tr, report.waste_types or [])
    if waste:
        parts.append(waste)
    parts.append(tr.date(report.created_at))
    return " · ".join(parts)


def report_thumbnail(report: Report) -> str | None:
    """The first photo's thumbnail (relative to MEDIA_DIR), shown where the channel shows images."""
    return report.photos[0].thumb_path if report.photos else None


def report_page(services: Mapping[str, Any], report: Report) -> str | None:
    """The report's page on the public web site (bot.public_site) when PUBLIC_BASE_URL is set;
    None otherwise, and for a report that is not published (rejected)."""
    base = getattr(services.get("settings"), "PUBLIC_BASE_URL", None)
    if not base or report.status not in PUBLISHED_STATUSES:
        return None
    return f"{base.rstrip('/')}/r/{report.code}"


def page_line(tr: Translator, page: str | None) -> str:
    """One more line with the report's public page ("🌐 The report's page: https://…/r/TZ-000012"),
    or nothing without a page."""
    return "\n" + tr._("🌐 The report's page: {link}", link=page) if page else ""


def status_update(
    tr: Translator,
    geo: GeoService,
    report: Report,
    body: str,
    choices: Sequence[Choice] = (),
    photo_path: str | None = None,
    page: str | None = None,
) -> Reply:
    """A message to the reporter about their report: the headline, then `body` (translated by the
    caller with `tr`) and the report's public `page` (`report_page`) when there is one, with
    `photo_path` or else the first photo's thumbnail. For `ctx.notifier.to_user(...)`:

        await ctx.notifier.to_user(report.reporter_id, lambda tr: status_update(
            tr, geo, report, tr._("Your report has been confirmed by the region's moderators.")))
    """
    return Reply(
        text=f"{report_headline(tr, report, geo)}\n{body}{page_line(tr, page)}",
        photo_path=photo_path or report_thumbnail(report),
        choices=tuple(choices),
        kind="status_update",
    )
