"""`python -m bot export reports --format csv|geojson [--region KZ-62] [--since DATE] [--output FILE]`

Open data for akimats and researchers: where the dumps are, what and how big, their status.
Nothing about the reporters (no ids, names, comments, addresses typed by them, photo paths); the
same publication rules as Open311: no rejected reports, unmoderated ones at their ~500 m cell.
The output file is readable by its owner only."""

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

NAME = "export"
HELP = "export reports as CSV or GeoJSON (no personal data)"
FIELDS = (
    "code", "created_at", "updated_at", "status", "region_code", "region_name",
    "district_pcode", "district_name", "latitude", "longitude", "location_source",
    "waste_types", "size", "confirmations", "photos",
)  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("what", choices=["reports"], help="what to export")
    parser.add_argument("--format", choices=["csv", "geojson"], default="csv")
    parser.add_argument("--region", help="only this region, e.g. KZ-62")
    parser.add_argument("--since", type=date.fromisoformat, help="only reports sent on or after YYYY-MM-DD (Kazakhstan time)")
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
            query = select(Report).where(Report.status.in_(PUBLISHED_STATUSES)).order_by(Report.id)
            if args.region:
                query = query.where(Report.region_code == args.region)
            if args.since:
                start = datetime.combine(args.since, time(0), tzinfo=KZ_TZ).astimezone(timezone.utc)
                query = query.where(Report.created_at >= start)
            rows = [row(r, geo) for r in (await session.scalars(query)).all()]
    finally:
        await engine.dispose()
    text = to_csv(rows) if args.format == "csv" else to_geojson(rows)
    if args.output:
        write_private(args.output, text.encode("utf-8"))
        print(f"{len(rows)} reports written to {args.output}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


def row(report: Report, geo: Geography) -> dict[str, Any]:
    region = geo.regions.get(report.region_code)
    district = geo.districts.get(report.district_pcode or "")
    point = public_point(report.status, report.latitude, report.longitude)
    return {
        "code": report.code,
        "created_at": report.created_at.isoformat(),
        "updated_at": report.updated_at.isoformat(),
        "status": report.status,
        "region_code": report.region_code,
        "region_name": region.name("en") if region else None,
        "district_pcode": report.district_pcode,
        "district_name": district.name("en") if district else None,
        "latitude": point[0] if point else None,
        "longitude": point[1] if point else None,
        "location_source": report.location_source,
        "waste_types": list(report.waste_types or []),
        "size": report.size,
        "confirmations": report.confirmations_count,
        "photos": len(report.photos),
    }


def to_csv(rows: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({**r, "waste_types": ";".join(r["waste_types"])})
    return out.getvalue()


def to_geojson(rows: list[dict[str, Any]]) -> str:
    """Reports known only by region have a null geometry (allowed by RFC 7946)."""
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
