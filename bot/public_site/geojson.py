"""The map's GeoJSON: report points (`/api/reports.geojson?region=&status=&bbox=`), upcoming
events, tree plantings and the region outlines. No personal data: a report is its code, status and
region at its public point (storage.reports.public_point: an unmoderated report shows its ~500 m
grid cell's centre); an event its id, title and start; a planting its species and count at ~100 m."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from storage.public_map import BBox, PlantingPoint, ReportPoint
from storage.reports import PUBLISHED_STATUSES, public_point, report_code

OUTLINE_TOLERANCE = 0.02  # degrees (~2 km): 1 MB of borders becomes ~55 kB, still recognisable
DECIMALS = 5  # ~1 m
MAX_BBOX_TEXT = 200
_WORD = re.compile(r"[A-Za-z0-9_-]{1,16}")


class BadQuery(ValueError):
    """A query the endpoint does not take; the message says what it wants."""


@dataclass(frozen=True, slots=True)
class PointsQuery:
    region: str | None
    statuses: frozenset[str]
    bbox: BBox | None

    @classmethod
    def parse(cls, query, regions) -> PointsQuery:
        region = query.get("region", "").strip().upper() or None
        if region is not None and region not in regions:
            raise BadQuery("region must be a region code of Kazakhstan, e.g. KZ-75")
        statuses = frozenset(s.strip() for s in query.get("status", "").split(",") if s.strip())
        if statuses - set(PUBLISHED_STATUSES):
            raise BadQuery("status must be one or more of " + ",".join(PUBLISHED_STATUSES))
        return cls(region, statuses, parse_bbox(query.get("bbox", "")))


def parse_bbox(text: str) -> BBox | None:
    """'west,south,east,north' in degrees, or '' for no box."""
    if not text.strip():
        return None
    try:
        parts = [float(p) for p in text[:MAX_BBOX_TEXT].split(",")]
    except ValueError:
        parts = []
    if len(parts) != 4 or not all(math.isfinite(p) for p in parts):
        raise BadQuery("bbox must be west,south,east,north in degrees")
    west, south, east, north = parts
    if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
        raise BadQuery("bbox must be west,south,east,north in degrees, west <= east and south <= north")
    return BBox(west, south, east, north)


def _inside(bbox: BBox | None, lat: float, lon: float) -> bool:
    return bbox is None or (bbox.south <= lat <= bbox.north and bbox.west <= lon <= bbox.east)


def _point(lat: float, lon: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [round(lon, DECIMALS), round(lat, DECIMALS)]}


def report_features(points: list[ReportPoint], bbox: BBox | None, truncated: bool) -> bytes:
    """Written out directly rather than through json.dumps (faster on thousands of points). The
    only strings are a status and a region code, both checked to be plain words first."""
    parts = []
    template = (
        '{{"type":"Feature","geometry":{{"type":"Point","coordinates":[{lon},{lat}]}},'
        '"properties":{{"code":"{code}","status":"{status}","region":"{region}"}}}}'
    )
    for p in points:
        shown = public_point(p.status, p.latitude, p.longitude)
        if shown is None or not _inside(bbox, *shown) or not (_WORD.fullmatch(p.status) and _WORD.fullmatch(p.region_code)):
            continue
        parts.append(
            template.format(
                lon=round(shown[1], DECIMALS), lat=round(shown[0], DECIMALS), code=report_code(p.id),
                status=p.status, region=p.region_code,
            )  # fmt: skip
        )
    head = '{"type":"FeatureCollection","truncated":%s,"features":[' % ("true" if truncated else "false")
    return (head + ",".join(parts) + "]}").encode()


def event_features(events, when) -> bytes:
    """`when(event)`: the start as the reader's locale writes it."""
    features = [
        {
            "type": "Feature",
            "geometry": _point(e.latitude, e.longitude),
            "properties": {"id": e.id, "title": e.title, "starts": when(e)},
        }
        for e in events
    ]
    return encode({"type": "FeatureCollection", "features": features})


def planting_features(plantings: list[PlantingPoint], species) -> bytes:
    """`species(planting)`: the species' name in the reader's language."""
    features = [
        {
            "type": "Feature",
            "geometry": _point(p.latitude, p.longitude),
            "properties": {"species": species(p), "count": p.count},
        }
        for p in plantings
    ]
    return encode({"type": "FeatureCollection", "features": features})


def encode(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@cache
def region_outlines(path: Path) -> bytes:
    """The project's region borders simplified for the page, made once per process (~0.4 s)."""
    import shapely
    from shapely.geometry import mapping, shape

    source = json.loads(path.read_text(encoding="utf-8"))
    features = []
    for feature in source["features"]:
        props = feature["properties"]
        outline = shape(feature["geometry"]).simplify(OUTLINE_TOLERANCE, preserve_topology=True)
        outline = shapely.set_precision(outline, 0.001)
        features.append(
            {
                "type": "Feature",
                "geometry": _rounded(mapping(outline)),
                "properties": {"code": props["iso_code"], **{k: props[f"name_{k}"] for k in ("kk", "ru", "en")}},
            }
        )
    return encode({"type": "FeatureCollection", "features": features})


def _rounded(geometry: Any) -> Any:
    if isinstance(geometry, dict):
        return {k: _rounded(v) for k, v in geometry.items()}
    if isinstance(geometry, (list, tuple)):
        return [_rounded(v) for v in geometry]
    return round(geometry, 3) if isinstance(geometry, float) else geometry
