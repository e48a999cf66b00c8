"""`python -m bot export reports|trees --format csv|geojson [--region KZ-62] [--since DATE] [--output FILE]`

Open data for akimats and researchers: where the dumps are, what and how big, their status; where
trees were planted, which and how many, and how many live at the latest check-in. Nothing about the
people (no ids, names, comments or notes, addresses or species names typed by them, photo paths).
Reports follow the publication rules of Open311: no rejected reports, unmoderated ones at their
~500 m cell; the points of plantings are rounded to about 100 m, as a tree may grow in someone's
yard. The output file is readable by its owner only."""

from __future__ import annotations

import argparse
import csv
import io
import json
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.config import load_settings
from bot.geo import Geography, shared_geography
from handlers.i18n import KZ_TZ
from storage.db import create_engine, session_factory
from storage.files import write_private
from storage.reports import PUBLISHED_STATUSES, Report, public_point
from storage.trees import SPECIES_BY_CODE, TreePlanting

NAME = "export"
HELP = "export reports or tree plantings as CSV or GeoJSON (no personal data)"
REPORT_FIELDS = (
    "code", "created_at", "updated_at", "status", "region_code", "region_name",
    "district_pcode", "district_name", "latitude", "longitude", "location_source",
    "waste_types", "size", "confirmations", "photos", "origin", "urgent",
)  # fmt: skip
TREE_FIELDS = (
    "id", "planted_on", "logged_at", "species", "species_latin", "count", "region_code",
    "region_name", "district_pcode", "district_name", "latitude", "longitude", "captures",
    "alive_latest", "checked_on", "photos",
)  # fmt: skip
POINT_DECIMALS = 3  # about 100 m: where trees grow, not whose yard they grow in


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["reports", "trees"], help="what to export")
    parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
    parser.add_argument("--region", help="only this region, e.g. KZ-62")
    parser.add_argument("--since", type=date.fromisoformat, help="only reports sent, or trees planted, on or after YYYY-MM-DD (Kazakhstan time)")
    parser.add_argument("--output", type=Path, help="write to this file instead of standard output")


async def run(args: argparse.Namespace) -> int:
    geo = shared_geography()
    if args.region and args.region not in geo.regions:
        print(f"unknown region {args.region!r}; use one of {', '.join(sorted(geo.regions))}", file=sys.stderr)
        return 2
    settings = load_settings()
    engine = create_engine(settings.DATABASE_URL)
    try:
        async with session_factory(engine)() as session:
            rows = await (tree_rows if args.what == "trees" else report_rows)(session, geo, args.region, args.since)
    finally:
        await engine.dispose()
    fields = TREE_FIELDS if args.what == "trees" else REPORT_FIELDS
    text = to_csv(rows, fields) if args.format == "csv" else to_geojson(rows)
    if args.output:
        write_private(args.output, text.encode("utf-8"))
        print(f"{len(rows)} {args.what} written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


async def report_rows(session, geo: Geography, region: str | None, since: date | None) -> list[dict[str, Any]]:
    query = select(Report).where(Report.status.in_(PUBLISHED_STATUSES)).order_by(Report.id)
    if region:
        query = query.where(Report.region_code == region)
    if since:
        start = datetime.combine(since, time(0), tzinfo=KZ_TZ).astimezone(timezone.utc)
        query = query.where(Report.created_at >= start)
    return [row(r, geo) for r in (await session.scalars(query)).all()]


async def tree_rows(session, geo: Geography, region: str | None, since: date | None) -> list[dict[str, Any]]:
    query = select(TreePlanting).order_by(TreePlanting.id)
    if region:
        query = query.where(TreePlanting.region_code == region)
    if since:
        query = query.where(TreePlanting.planted_on >= since)
    return [tree_row(p, geo) for p in (await session.scalars(query)).all()]


def _area_names(geo: Geography, region_code: str, district_pcode: str | None) -> dict[str, Any]:
    region = geo.regions.get(region_code)
    district = geo.districts.get(district_pcode or "")
    return {
        "region_code": region_code,
        "region_name": region.name("en") if region else None,
        "district_pcode": district_pcode,
        "district_name": district.name("en") if district else None,
    }


def tree_row(planting: TreePlanting, geo: Geography) -> dict[str, Any]:
    latest = planting.latest_known
    species = SPECIES_BY_CODE.get(planting.species)
    return {
        "id": planting.id,
        "planted_on": planting.planted_on.isoformat(),
        "logged_at": planting.created_at.isoformat(),
        "species": planting.species,
        "species_latin": species.latin if species else None,
        "count": planting.count,
        **_area_names(geo, planting.region_code, planting.district_pcode),
        "latitude": round(planting.latitude, POINT_DECIMALS),
        "longitude": round(planting.longitude, POINT_DECIMALS),
        "captures": len(planting.captures),
        "alive_latest": latest.alive if latest else None,
        "checked_on": latest.captured_at.astimezone(KZ_TZ).date().isoformat() if latest else None,
        "photos": len(planting.photos),
    }


def row(report: Report, geo: Geography) -> dict[str, Any]:
    point = public_point(report.status, report.latitude, report.longitude)
    return {
        "code": report.code,
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
        "status": report.status,
        **_area_names(geo, report.region_code, report.district_pcode),
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "location_source": report.location_source,
        "waste_types": list(report.waste_types or []),
        "size": report.size,
        "confirmations": report.confirmations_count,
        "photos": len(report.photos),
        "origin": report.origin,  # "citizen" or "satellite" (detected from space)
        "urgent": report.urgent,
    }


def to_csv(rows: list[dict[str, Any]], fields: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: ";".join(v) if isinstance(v, list) else v for k, v in r.items()})
    return out.getvalue()


def to_geojson(rows: list[dict[str, Any]]) -> str:
    """Rows known only by region have a null geometry (allowed by RFC 7946)."""
    features = [
        {
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [r["longitude"], r["latitude"]]}
            if r["latitude"] is not None
            else None,
            "properties": {k: v for k, v in r.items() if k not in ("latitude", "longitude")},
        }
        for r in rows
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, indent=1) + "\n"
