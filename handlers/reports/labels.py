"""Translatable names of report statuses, waste types and sizes (shared by every flow that shows
a report: the citizen's, "my reports", moderation)."""

from __future__ import annotations

from handlers.i18n import N_, Translator
from storage.reports import DumpSize, ReportStatus, WasteType

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

