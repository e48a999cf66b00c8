"""The invitation to verify a site to verify: how far it is, where (the district and region, and
an OpenStreetMap link), and three buttons that stay valid whenever they are pressed (router
actions): the dump is there, nothing here, don't ask me."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from handlers.buttons import button
from handlers.i18n import Translator
from handlers.moderation.triage import map_link
from handlers.places import area_name
from handlers.services import GeoService
from handlers.types import Choice, Reply
from storage.reports import Report

KIND = "site_invitation"  # Reply.kind, and the TWILIO_CONTENT_SIDS key of its WhatsApp template
VERIFY_RADIUS_M = 200.0  # a verification counts only from this close to the site


@button("site")
@dataclass(frozen=True)
class SitePress:
    """An answer to an invitation: "site:REPORT_ID:here|nothing|stop"."""

    report_id: int
    answer: Literal["here", "nothing", "stop"]


def distance_text(tr: Translator, meters: float) -> str:
    """"350 m" below a kilometre, else "2.4 km" (in the locale's digits)."""
    if meters < 1000:
        return tr._("{meters} m", meters=tr.number(round(meters)))
    return tr._("{km} km", km=tr.number(round(meters / 1000, 1)))


def invitation(tr: Translator, geo: GeoService, report: Report, meters: float) -> Reply:
    place = area_name(geo, tr.language, report.region_code, report.district_pcode)
    link = map_link(report) or ""
    text = "\n".join(
        [
            tr._(
                "🛰 A possible illegal dump was detected from space {distance} from you ({place}). "
                "Could you verify this site?",
                distance=distance_text(tr, meters),
                place=place,
            ),
            tr._("🗺 On the map: {link}", link=link),
            tr._(
                "If the dump is there, send a photo of it and your location; if there is nothing, "
                "just your location. You need to be within {radius} m of the site.",
                radius=round(VERIFY_RADIUS_M),
            ),
        ]
    )
    return Reply(
        text=text,
        choices=(
            Choice(SitePress(report.id, "here").id, tr._("📸 The dump is there")),
            Choice(SitePress(report.id, "nothing").id, tr._("🚫 Nothing here")),
            Choice(SitePress(report.id, "stop").id, tr._("🔕 Don't ask me again")),
        ),
        kind=KIND,
        template_vars={"1": place, "2": distance_text(tr, meters), "3": link},
    )
