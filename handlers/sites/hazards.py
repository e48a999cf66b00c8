"""Which reports are urgent hazards and what the citizen is told at once (light: the report
form imports it; the handover of an urgent report is in handlers.sites.urgent)."""

from __future__ import annotations

from collections.abc import Iterable

from handlers.i18n import Translator
from storage.reports import WasteType

URGENT_WASTE = (WasteType.FIRE, WasteType.SPILL)  # in the order the report form shows them
URGENT_ESCALATION_MINUTES = 30
NEARBY_M = 300.0  # open reports this close are named on an urgent report's card


def is_urgent(waste_types: Iterable[str]) -> bool:
    return any(w in URGENT_WASTE for w in waste_types)


def call_112(tr: Translator) -> str:
    return tr._(
        "🚨 Fire, smoke or a chemical spill is an urgent hazard: call 112 now. Stay away from the "
        "smoke and do not touch the substance. Then send the report: it goes to the region's "
        "moderators at once, marked urgent."
    )


def urgent_sent(tr: Translator, code: str) -> str:
    return tr._(
        "🚨 Your report {code} has been sent to the region's moderators at once, marked urgent. "
        "If you have not called 112 yet, please call now.",
        code=code,
    )

