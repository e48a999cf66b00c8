"""Names of places (a region and its district) in the reader's language, for every feature that
shows where something is: reports, moderation cards, and the events and trees to come."""

from __future__ import annotations

from handlers.context import Ctx
from handlers.services import GEO, GeoService


def area_name(geo: GeoService, language: str, region_code: str, district_pcode: str | None) -> str:
    """"Абай облысы, Семей қаласы": the region and, where known, the district, in `language`."""
    region = geo.regions.get(region_code)
    parts = [region.name(language) if region else region_code]
    district = geo.districts.get(district_pcode) if district_pcode else None
    if district is not None:
        parts.append(district.name(language))
    return ", ".join(parts)


def place_name(ctx: Ctx, region_code: str, district_pcode: str | None) -> str:
    """`area_name` in the language of the chat the step answers."""
    return area_name(ctx.service(GEO), ctx.tr.language, region_code, district_pcode)
