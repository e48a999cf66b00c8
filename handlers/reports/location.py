"""Where the dump is: a shared location, the photo's EXIF GPS, a typed address (when geocoding is
on) or, for a citizen who cannot share a point, the region picked from the list.

A point must lie in Kazakhstan; it fixes the region and district the report is routed by.
"""

from __future__ import annotations

from typing import Any

from handlers.context import Ctx
from handlers.places import place_name
from handlers.reports.draft import asks, draft_step, save_and_advance
from handlers.services import GEO, GEOCODER, GeoService
from handlers.types import Choice, Kind
from storage.reports import LocationSource

USE_PHOTO_GPS, PICK_REGION = "gps:photo", "region:pick"


def _geo(ctx: Ctx) -> GeoService:
    return ctx.service(GEO)


@asks("report.location")
async def _ask_location(ctx: Ctx, data: dict[str, Any]) -> None:
    lines = [
        ctx._(
            "📍 Where is the dump? Share its location: the 📎 (attach) button, then «Location». "
            "Stand near the dump or move the pin onto it."
        )
    ]
    geocoding = ctx.router.services.get(GEOCODER) is not None
    if geocoding:
        lines.append(ctx._("You can also type the address (city, street, house)."))
    choices = []
    if data.get("photo_gps"):
        lines.append(ctx._("Your photo has a location: you can use it."))
        choices.append(Choice(USE_PHOTO_GPS, ctx._("📷 Use the photo's location")))
    choices.append(Choice(PICK_REGION, ctx._("🗺 I cannot share it: choose the region")))
    ctx.ask("report.location", "\n".join(lines), choices)


@draft_step
async def on_location(ctx: Ctx, data: dict[str, Any]) -> None:
    if ctx.choice == PICK_REGION:
        _ask_region(ctx)
        return
    if ctx.choice == USE_PHOTO_GPS and data.get("photo_gps"):
        lat, lon = data["photo_gps"]
        await _use_point(ctx, data, lat, lon, LocationSource.PHOTO)
        return
    if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
        loc = ctx.incoming.location
        await _use_point(ctx, data, loc.latitude, loc.longitude, LocationSource.SHARED)
        return
    if ctx.incoming.kind is Kind.TEXT and ctx.text:
        geocoder = ctx.router.services.get(GEOCODER)
        if geocoder is None:
            ctx.reprompt(
                ctx._(
                    "I cannot look up typed addresses. Please share the location, or choose "
                    "the region from the list."
                )
            )
            return
        found = await geocoder.geocode(ctx.text[:300])
        if found is None:
            ctx.reprompt(ctx._("I could not find this address. Please share the location instead."))
            return
        data["address"] = ctx.text[:300]
        await _use_point(ctx, data, found[0], found[1], LocationSource.ADDRESS)
        return
    if ctx.incoming.kind is Kind.PHOTO:
        ctx.reprompt(ctx._("The photos are done. Now I need the location of the dump."))
        return
    ctx.reprompt(ctx._("Please share the location of the dump, or choose the region from the list."))


async def _use_point(
    ctx: Ctx, data: dict[str, Any], lat: float, lon: float, source: LocationSource
) -> None:
    place = _geo(ctx).locate(lat, lon)
    if place is None:
        data.pop("address", None)
        ctx.reprompt(
            ctx._(
                "This location is outside Kazakhstan. I accept reports only from Kazakhstan: "
                "please check the point and share it again."
            )
        )
        return
    data.update(
        lat=round(lat, 6),
        lon=round(lon, 6),
        region=place.region.code,
        district=place.district.pcode if place.district else None,
        source=str(source),
    )
    ctx.reply(ctx._("📍 Location: {place}.", place=place_name(ctx, data["region"], data["district"])))
    await save_and_advance(ctx, data)


def _ask_region(ctx: Ctx) -> None:
    regions = _geo(ctx).region_list(ctx.tr.language)
    ctx.ask(
        "report.region",
        ctx._("Choose the region (or city) where the dump is:"),
        [Choice(f"region:{r.code}", r.name(ctx.tr.language)) for r in regions],
    )


@draft_step
async def on_region(ctx: Ctx, data: dict[str, Any]) -> None:
    code = (ctx.choice or "").removeprefix("region:")
    if code not in _geo(ctx).regions:
        if ctx.incoming.kind is Kind.LOCATION and ctx.incoming.location:
            await on_location(ctx)  # shared it after all
            return
        ctx.reprompt(ctx._("Please choose one of the regions below."))
        return
    data.update(region=code, district=None, lat=None, lon=None, source=str(LocationSource.REGION))
    await save_and_advance(ctx, data)
