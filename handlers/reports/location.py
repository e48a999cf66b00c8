"""Where the dump is: the photo's location (used without asking), a shared location (taken at any
step, replacing the one before), a typed address (geocoded when geocoding is on, and kept as the
landmark either way), or, for a citizen who cannot share a point, the region and the district
picked from lists and a landmark in words.

A point must lie in Kazakhstan; it fixes the region and district the report is routed by. A report
without a point needs a district and a landmark: its moderators must be able to find the dump.
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

# glossary: landmark (words that find a place without a map point) = бағдар / ориентир / landmark
# glossary: point on the map = картадағы нүкте / точка на карте / point on the map
MAX_LANDMARK = 300
POINT_KEYS = ("region", "district", "lat", "lon", "source")


@button("where")
@dataclass(frozen=True)
class WherePress:
    """Instead of sharing a point: use the photo's location, or choose the region and district."""

    how: Literal["photo", "list"]


@button("region")
@dataclass(frozen=True)
class RegionPick:
    code: Annotated[str, MaxLen(8)]  # ISO 3166-2:KZ, e.g. KZ-71


@button("district")
@dataclass(frozen=True)
class DistrictPick:
    pcode: Annotated[str, MaxLen(12)]  # e.g. KZ711210


USE_PHOTO_GPS, PICK_REGION = WherePress("photo"), WherePress("list")


def _geo(ctx: Ctx) -> GeoService:
    return ctx.service(GEO)


def _missing(data: Answers) -> bool:
    """No region yet, or no point and not yet both a district and a landmark in words."""
    if not data.get("region"):
        return True
    return data.get("lat") is None and not (data.get("district") and data.get("address"))


async def _ask_location(ctx: Ctx, data: Answers) -> Question | Answers:
    hint = None
    if not data.get("region") and data.get("photo_gps") and not data.get("gps_used"):
        # The photo's location, once: after «Change the place» or «Back» the question is asked.
        found = _photo_point(ctx, data)
        if not isinstance(found, str):
            return {**found, "gps_used": True}  # nothing to ask
        hint = found
    if data.get("region_list") and not data.get("region"):
        regions = _geo(ctx).region_list(ctx.tr.language)
        return Question(
            ctx._("Choose the region (or city) where the dump is:"),
            [Choice(RegionPick(r.code).id, r.name(ctx.tr.language)) for r in regions],
        )
    if data.get("region") and data.get("lat") is None and not data.get("district"):
        return Question(
            ctx._("Choose the district (or city) of {region} where the dump is:", region=place_name(ctx, data["region"], None)),
            [Choice(DistrictPick(d.pcode).id, d.name(ctx.tr.language)) for d in _districts(ctx, data["region"])],
        )
    if data.get("region") and data.get("lat") is None:
        return Question(
            ctx._(
                "📍 {place}, without a point on the map. Describe in words how to find the dump: "
                "the street, the nearest house or a landmark (up to {max} characters).",
                place=place_name(ctx, data["region"], data.get("district")),
                max=MAX_LANDMARK,
            )
        )
    return _where_question(ctx, data, hint)


def _where_question(ctx: Ctx, data: Answers, hint: str | None) -> Question:
    lines = [hint] if hint else []
    if data.get("address"):
        lines.append(
            ctx._(
                "📝 I kept «{address}» as the landmark. I still need a point on the map: share the "
                "location, or choose the region and district if you cannot.",
                address=data["address"],
            )
        )
    else:
        lines.append(
            ctx._(
                "📍 Where is the dump? Share its location: the 📎 (attach) button, then «Location». "
                "Stand near the dump or move the pin onto it. You can also type the address or a landmark."
            )
        )
    choices = []
    if data.get("photo_gps"):
        choices.append(Choice(USE_PHOTO_GPS.id, ctx._("📷 Use the photo's location")))
    choices.append(Choice(PICK_REGION.id, ctx._("🗺 I cannot share it: choose the region and district")))
    return Question("\n".join(lines), choices)


def _districts(ctx: Ctx, region: str) -> list:
    language = ctx.tr.language
    found = [d for d in _geo(ctx).districts.values() if d.region_code == region]
    return sorted(found, key=lambda d: d.name(language))


async def _parse_location(ctx: Ctx, data: Answers) -> Answers | str:
    press = WherePress.parse(ctx.choice)
    if press == PICK_REGION:
        return {"region_list": True}
    if press == USE_PHOTO_GPS and data.get("photo_gps"):
        return _photo_point(ctx, data)
    region = RegionPick.parse(ctx.choice)
    if region is not None and region.code in _geo(ctx).regions:
        return {"region": region.code, "district": None, "lat": None, "lon": None, "source": str(LocationSource.REGION)}
    district = DistrictPick.parse(ctx.choice)
    if district is not None:
        known = _geo(ctx).districts.get(district.pcode)
        if known is None or known.region_code != data.get("region"):
            return ctx._("Please choose one of the options below.")
        return {"district": district.pcode}
    if ctx.incoming.kind is not Kind.TEXT or not ctx.text or ctx.choice is not None:
        return ctx._("Please share the location of the dump, or choose the region from the list.")
    if data.get("region_list") and not data.get("region"):
        return ctx._("Please choose one of the regions below.")
    if data.get("region") and data.get("lat") is None and not data.get("district"):
        return ctx._("Please choose one of the options below.")
    if len(ctx.text) > MAX_LANDMARK:
        return ctx._("That is too long: at most {limit} characters.", limit=MAX_LANDMARK)
    if data.get("region"):
        return {"address": ctx.text}  # the landmark of a report without a point
    return await _geocode(ctx, ctx.text)


async def _geocode(ctx: Ctx, address: str) -> Answers | str:
    """A typed address: its point when geocoding finds one in Kazakhstan; kept as the landmark
    in any case (the question that follows says a point is still needed)."""
    geocoder = ctx.router.services.get(GEOCODER)
    found = await geocoder.geocode(address) if geocoder is not None else None
    if found is not None:
        point = _point(ctx, found[0], found[1], LocationSource.ADDRESS)
        if not isinstance(point, str):
            ctx.reply(ctx._("📍 Location: {place}.", place=place_name(ctx, point["region"], point["district"])))
            return {**point, "address": address}
    return {"address": address}


def take_location(ctx: Ctx, data: Answers) -> Answers | str:
    """A location shared at any step: it replaces the place before (region and district follow),
    and the duplicate check is made again for the new point."""
    loc = ctx.incoming.location
    if loc is None:
        return ctx._("Please share the location of the dump, or choose the region from the list.")
    point = _point(ctx, loc.latitude, loc.longitude, LocationSource.SHARED)
    if isinstance(point, str):
        return point
    ctx.reply(ctx._("📍 Location: {place}.", place=place_name(ctx, point["region"], point["district"])))
    data.pop("region_list", None)
    data.pop("duplicate_checked", None)
    return {**data, **point}


def _photo_point(ctx: Ctx, data: Answers) -> Answers | str:
    lat, lon = data["photo_gps"]
    return _point(ctx, lat, lon, LocationSource.PHOTO)


def _point(ctx: Ctx, lat: float, lon: float, source: LocationSource) -> Answers | str:
    place = _geo(ctx).locate(lat, lon)
    if place is None:
        return ctx._(
            "This location is outside Kazakhstan. I accept reports only about dumps in Kazakhstan: "
            "please check the point and share it again."
        )
    return {
        "region": place.region.code,
        "district": place.district.pcode if place.district else None,
        "lat": round(lat, 6),
        "lon": round(lon, 6),
        "source": str(source),
    }


LOCATION = Field(
    "location",
    _ask_location,
    _parse_location,
    # The landmark ("address") is not among them: changing the place keeps the words describing it.
    keys=(*POINT_KEYS, "region_list"),
    missing=_missing,
    edit_label=N_("✏️ Change the place"),
)
