"""Where the dump is: a shared location, the photo's EXIF GPS, a typed address (when geocoding is
on) or, for a citizen who cannot share a point, the region picked from the list.

A point must lie in Kazakhstan; it fixes the region and district the report is routed by.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from handlers.buttons import MaxLen, button
from handlers.context import Ctx
from handlers.forms import Answers, Field, Question
from handlers.i18n import N_
from handlers.places import place_name
from handlers.services import GEO, GEOCODER, GeoService
from handlers.types import Choice, Kind
from storage.reports import LocationSource


@button("where")
@dataclass(frozen=True)
class WherePress:
    """Instead of sharing a point: use the photo's location, or choose the region from the list."""

    how: Literal["photo", "list"]


@button("region")
@dataclass(frozen=True)
class RegionPick:
    code: Annotated[str, MaxLen(8)]  # ISO 3166-2:KZ, e.g. KZ-71


USE_PHOTO_GPS, PICK_REGION = WherePress("photo"), WherePress("list")


def _geo(ctx: Ctx) -> GeoService:
    return ctx.service(GEO)


async def _ask_location(ctx: Ctx, data: Answers) -> Question:
    if data.get("region_list"):
        regions = _geo(ctx).region_list(ctx.tr.language)
        return Question(
            ctx._("Choose the region (or city) where the dump is:"),
            [Choice(RegionPick(r.code).id, r.name(ctx.tr.language)) for r in regions],
        )
    lines = [
        ctx._(
            "📍 Where is the dump? Share its location: the 📎 (attach) button, then «Location». "
            "Stand near the dump or move the pin onto it."
        )
    ]
    if ctx.router.services.get(GEOCODER) is not None:
        lines.append(ctx._("You can also type the address (city, street, house)."))
    choices = []
    if data.get("photo_gps"):
        lines.append(ctx._("Your photo has a location: you can use it."))
        choices.append(Choice(USE_PHOTO_GPS.id, ctx._("📷 Use the photo's location")))
    choices.append(Choice(PICK_REGION.id, ctx._("🗺 I cannot share it: choose the region")))
    return Question("\n".join(lines), choices)


async def _parse_location(ctx: Ctx, data: Answers) -> Answers | str:
    press = WherePress.parse(ctx.choice)
    if press == PICK_REGION:
        return {"region_list": True}
    if press == USE_PHOTO_GPS and data.get("photo_gps"):
        lat, lon = data["photo_gps"]
        return _use_point(ctx, lat, lon, LocationSource.PHOTO)
    region = RegionPick.parse(ctx.choice)
    if region is not None and region.code in _geo(ctx).regions:
        source = str(LocationSource.REGION)
        return {"region": region.code, "district": None, "lat": None, "lon": None, "source": source}
    if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
        loc = ctx.incoming.location
        return _use_point(ctx, loc.latitude, loc.longitude, LocationSource.SHARED)
    if data.get("region_list"):
        return ctx._("Please choose one of the regions below.")
    if ctx.incoming.kind is Kind.TEXT and ctx.text:
        return await _geocode(ctx)
    if ctx.incoming.kind is Kind.PHOTO:
        return ctx._("The photos are done. Now I need the location of the dump.")
    return ctx._("Please share the location of the dump, or choose the region from the list.")


async def _geocode(ctx: Ctx) -> Answers | str:
    geocoder = ctx.router.services.get(GEOCODER)
    if geocoder is None:
        return ctx._(
            "I cannot look up typed addresses. Please share the location, or choose "
            "the region from the list."
        )
    address = ctx.text[:300]
    found = await geocoder.geocode(address)
    if found is None:
        return ctx._("I could not find this address. Please share the location instead.")
    return _use_point(ctx, found[0], found[1], LocationSource.ADDRESS, address)


def _use_point(
    ctx: Ctx, lat: float, lon: float, source: LocationSource, address: str | None = None
) -> Answers | str:
    place = _geo(ctx).locate(lat, lon)
    if place is None:
        return ctx._(
            "This location is outside Kazakhstan. I accept reports only from Kazakhstan: "
            "please check the point and share it again."
        )
    district = place.district.pcode if place.district else None
    ctx.reply(ctx._("📍 Location: {place}.", place=place_name(ctx, place.region.code, district)))
    return {
        "region": place.region.code,
        "district": district,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "source": str(source),
        "address": address,
    }


LOCATION = Field(
    "location",
    _ask_location,
    _parse_location,
    keys=("region", "district", "lat", "lon", "source", "address", "region_list"),
    edit_label=N_("✏️ Edit the location"),
)
