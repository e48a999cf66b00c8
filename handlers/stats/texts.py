"""The /stats figures in words and as the picture's texts, in the reader's language."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from handlers.i18n import Translator
from handlers.reports.labels import status_name
from handlers.services import StatsChart
from storage.reports import ReportStatus
from storage.stats import TARGET_DAYS, Figures


def month_label(tr: Translator, key: str) -> str:
    """'2026-05' -> «May 2026» / «май 2026» / «мам. 2026», Babel's month names."""
    year, month = (int(part) for part in key.split("-"))
    return format_date(date(year, month, 1), "LLL yyyy", locale=tr.language)


def figure_lines(tr: Translator, place: str, f: Figures) -> list[str]:
    n = tr.number
    lines = [tr._("📊 {place}", place=place), tr._("Reports: {n}", n=n(f.total))]
    for status in ReportStatus:
        if f.by_status.get(status):
            lines.append(f"• {status_name(tr, status)}: {n(f.by_status[status])}")
    if f.median_days_to_clean is not None:
        lines.append(tr._("Median time from report to cleaned (last 12 months): {days} days", days=n(round(f.median_days_to_clean, 1))))
    if f.share_in_target is not None:
        lines.append(tr._("Cleaned within {days} days (last 12 months): {share}", days=TARGET_DAYS, share=tr.percent(f.share_in_target)))
    lines.append(tr._("Overdue (open for more than {days} days): {n}", days=TARGET_DAYS, n=n(f.overdue)))
    lines.append(tr._("Disputed: {n}", n=n(f.disputed)))
    lines.append(tr._("Cleanup events held: {events}, volunteers: {people}", events=n(f.events_held), people=n(f.volunteers)))
    lines.append(tr._("Bags collected: {bags}, kg: {kg}", bags=n(f.bags), kg=n(round(f.kilograms, 1))))
    lines.append(tr._("Trees planted: {n}", n=n(f.trees_planted)))
    if f.survival_rate is not None:
        lines.append(
            tr._(
                "Trees alive at the latest check-in: {alive} of {checked} (survival rate {rate})",
                alive=n(f.trees_alive),
                checked=n(f.trees_checked),
                rate=tr.percent(f.survival_rate),
            )
        )
    if f.quiz_players is not None:
        lines.append(tr._("Quiz players: {n}", n=n(f.quiz_players)))
    return lines


def stats_chart(tr: Translator, place: str, day: str, f: Figures) -> StatsChart:
    statuses = tuple((str(s), status_name(tr, s), f.by_status.get(s, 0)) for s in ReportStatus)
    return StatsChart(
        language=tr.language,
        title=tr._("Taza Qazaqstan in figures"),
        subtitle=f"{place} · {day}",
        statuses_title=tr._("Reports by status"),
        statuses=statuses,
        months_title=tr._("Reports per month"),
        months=tuple(month_label(tr, key) for key, _r, _c in f.months),
        received=tuple(r for _k, r, _c in f.months),
        cleaned=tuple(c for _k, _r, c in f.months),
        received_label=tr._("received"),
        cleaned_label=tr._("cleaned"),
    )
