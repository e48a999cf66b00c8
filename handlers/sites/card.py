"""What the moderators' card adds for this feature: the urgent mark, and for a site detected from
space its source, detection date and what the citizens who verified it found (beside their photos,
which are the report's photos)."""

from __future__ import annotations

from handlers.i18n import Translator
from storage.reports import Origin, Report


def card_lines(tr: Translator, report: Report) -> list[str]:
    lines = []
    if report.urgent:
        lines.append(tr._("🚨 Urgent hazard: call 112 first if people are in danger."))
    if report.origin == Origin.SATELLITE and report.site is not None:
        site = report.site
        detected = tr.day(site.detected_on) if site.detected_on else "—"
        lines.append(tr._("🛰 Detected from space: {source}, {date}", source=site.source, date=detected))
        if site.area_m2:
            lines.append(tr._("Area: {area} m²", area=tr.number(round(site.area_m2))))
        lines.append(
            tr._("Verified on the ground: ✅ {here} · 🚫 {nothing}", here=site.here_count, nothing=site.nothing_count)
        )
    return lines
