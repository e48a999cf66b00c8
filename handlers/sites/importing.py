"""Reading detected sites from a monitoring programme's file and making each a site to verify.

Two formats (the README documents them):
- GeoJSON: a FeatureCollection of Point, Polygon or MultiPolygon features (a polygon's centroid is
  the site's point); properties `id` (or the feature's own `id`), `detected` (YYYY-MM-DD) and
  optionally `area_m2`.
- CSV with a header: `lat`, `lon`, `source_id`, `detected`, and optionally `area_m2`.

A bad row (or feature) is reported with its line number and skipped; the others load. A site is
keyed by (source, source id): importing a file again adds only the sites not seen before. Each
new site is a report with status "to verify", origin "satellite", its region and district, and
no reporter (storage.sites)."""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from shapely.geometry import shape
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.services import GeoService
from storage.reports import LocationSource, Origin, Report, ReportStatus, ReportStatusChange
from storage.sites import DetectedSite, known_sources

MAX_SOURCE_ID = 128
CSV_COLUMNS = {
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "source_id": ("source_id", "id"),
    "detected": ("detected", "detection_date", "date"),
    "area_m2": ("area_m2", "area"),
}


@dataclass(frozen=True, slots=True)
class SiteRow:
    line: int
    latitude: float
    longitude: float
    source_id: str
    detected_on: date | None
    area_m2: float | None


@dataclass
class Parsed:
    rows: list[SiteRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, what is wrong)


def parse(text: str, filename: str = "") -> Parsed:
    """GeoJSON when the file is JSON (or named .geojson/.json), else CSV."""
    if filename.lower().endswith((".geojson", ".json")) or text.lstrip().startswith("{"):
        return parse_geojson(text)
    return parse_csv(text)


def _date(value: object) -> date | None:
    text = str(value or "").strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"detection date {text!r} is neither YYYY-MM-DD nor DD.MM.YYYY")


def _number(value: object, what: str) -> float:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{what} {value!r} is not a number")
    return number


def _row(line: int, lat: object, lon: object, source_id: object, detected: object, area: object) -> SiteRow:
    latitude, longitude = _number(lat, "latitude"), _number(lon, "longitude")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError(f"({latitude}, {longitude}) is not a point on Earth")
    key = str(source_id if source_id is not None else "").strip()
    if not key:
        raise ValueError("no source id")
    if len(key) > MAX_SOURCE_ID:
        raise ValueError(f"source id longer than {MAX_SOURCE_ID} characters")
    area_m2 = None
    if area not in (None, ""):
        area_m2 = _number(area, "area")
        if area_m2 < 0:
            raise ValueError(f"area {area_m2} is negative")
    return SiteRow(line, round(latitude, 6), round(longitude, 6), key, _date(detected), area_m2)


def _keep(parsed: Parsed, seen: dict[str, int], row: SiteRow) -> None:
    if row.source_id in seen:
        parsed.errors.append((row.line, f"source id {row.source_id!r} repeats line {seen[row.source_id]}"))
        return
    seen[row.source_id] = row.line
    parsed.rows.append(row)


def parse_csv(text: str) -> Parsed:
    parsed, seen = Parsed(), {}
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = next(reader, None)
    if header is None:
        parsed.errors.append((1, "the file is empty"))
        return parsed
    names = [h.strip().lower() for h in header]
    where: dict[str, int | None] = {}
    for column, aliases in CSV_COLUMNS.items():
        where[column] = next((names.index(a) for a in aliases if a in names), None)
    missing = [c for c in ("lat", "lon", "source_id", "detected") if where[c] is None]
    if missing:
        parsed.errors.append((1, f"the header lacks {', '.join(missing)}"))
        return parsed
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue

        def cell(column: str) -> str | None:
            index = where[column]
            return cells[index] if index is not None and index < len(cells) else None

        try:
            row = _row(line, cell("lat"), cell("lon"), cell("source_id"), cell("detected"), cell("area_m2"))
        except ValueError as exc:
            parsed.errors.append((line, str(exc)))
            continue
        _keep(parsed, seen, row)
    return parsed


def _features(text: str) -> Iterable[tuple[int, object]]:
    """Each feature of the collection with the line it starts on (json gives no positions, so the
    array is read one element at a time)."""
    decoder = json.JSONDecoder()
    start = text.find('"features"')
    pos = text.find("[", start) + 1 if start >= 0 else 0
    while pos:
        while pos < len(text) and text[pos] in " \t\r\n,":
            pos += 1
        if pos >= len(text) or text[pos] == "]":
            return
        item, end = decoder.raw_decode(text, pos)
        yield text.count("\n", 0, pos) + 1, item
        pos = end


def parse_geojson(text: str) -> Parsed:
    parsed, seen = Parsed(), {}
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        parsed.errors.append((exc.lineno, f"not valid JSON: {exc.msg}"))
        return parsed
    if not isinstance(document, dict) or not isinstance(document.get("features"), list):
        parsed.errors.append((1, "not a GeoJSON FeatureCollection"))
        return parsed
    for line, feature in _features(text):
        try:
            if not isinstance(feature, dict) or not isinstance(feature.get("geometry"), dict):
                raise ValueError("a feature without a geometry")
            props = feature.get("properties") or {}
            geometry = feature["geometry"]
            if geometry.get("type") not in ("Point", "Polygon", "MultiPolygon"):
                raise ValueError(f"geometry {geometry.get('type')!r} is not a Point or a Polygon")
            try:
                point = shape(geometry).centroid
            except Exception:  # shapely's errors for broken coordinates vary by version
                raise ValueError("broken coordinates") from None
            if point.is_empty:
                raise ValueError("empty geometry")
            source_id = props.get("id", props.get("source_id", feature.get("id")))
            detected = props.get("detected", props.get("detection_date", props.get("date")))
            row = _row(line, point.y, point.x, source_id, detected, props.get("area_m2", props.get("area")))
        except ValueError as exc:
            parsed.errors.append((line, str(exc)))
            continue
        _keep(parsed, seen, row)
    return parsed


@dataclass
class Imported:
    added: int = 0
    known: int = 0  # imported before: unchanged
    errors: list[tuple[int, str]] = field(default_factory=list)


async def import_sites(
    session: AsyncSession, geo: GeoService, rows: list[SiteRow], source: str, now: datetime
) -> Imported:
    """Sites to verify for the rows not imported before; a point outside Kazakhstan is an error
    of its line. A few statements for the whole file, not a few per site."""
    result = Imported()
    known = await known_sources(session, [(source, r.source_id) for r in rows])
    fresh: list[tuple[SiteRow, Any]] = []  # (row, its place: region and district)
    for row in rows:
        if (source, row.source_id) in known:
            result.known += 1
            continue
        place = geo.locate(row.latitude, row.longitude)
        if place is None:
            result.errors.append((row.line, f"({row.latitude}, {row.longitude}) is outside Kazakhstan"))
            continue
        fresh.append((row, place))
    if not fresh:
        return result
    values = [
        {
            "reporter_id": None, "status": ReportStatus.TO_VERIFY, "origin": Origin.SATELLITE, "urgent": False,
            "region_code": place.region.code, "district_pcode": place.district.pcode if place.district else None,
            "latitude": row.latitude, "longitude": row.longitude, "location_source": LocationSource.SATELLITE,
            "waste_types": [], "confirmations_count": 0, "created_at": now, "updated_at": now,
        }  # fmt: skip
        for row, place in fresh
    ]
    ids = (await session.execute(insert(Report).returning(Report.id, sort_by_parameter_order=True), values)).scalars().all()
    await session.execute(
        insert(ReportStatusChange),
        [{"report_id": i, "old_status": None, "new_status": ReportStatus.TO_VERIFY, "changed_by_id": None,
          "note": source, "changed_at": now} for i in ids],
    )  # fmt: skip
    await session.execute(
        insert(DetectedSite),
        [
            {"report_id": i, "source": source, "source_id": row.source_id, "detected_on": row.detected_on,
             "area_m2": row.area_m2, "here_count": 0, "nothing_count": 0, "imported_at": now}
            for i, (row, _place) in zip(ids, fresh, strict=True)
        ],
    )  # fmt: skip
    result.added = len(ids)
    return result
