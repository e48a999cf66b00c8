"""The web map's GeoJSON (`/api/reports.geojson`) on 100,000 reports: how long one answer takes
to build (database + encoding, the answer cache missed) for a city's box, a region's box, a
region filter and the whole country (each capped at the 5,000 newest points), and over HTTP with the cache
missed and hit. Milliseconds, median of several runs, against two baselines of the same run: the
same queries with the latitude/longitude index dropped, and reading every published report's point
and filtering the box in Python (what a page without bbox filtering in the database would do).

    python benchmarks/bench_geojson.py [--reports 100000] \
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/taza_webmap]

The database's tables are dropped and made again: use a database of its own. The stated target:
a city's box answered in under 200 ms with the cache missed (the answer is then kept
for a minute: a cache hit is a few milliseconds).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import storage.all_models  # noqa: E402,F401
from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.public_site import geojson  # noqa: E402
from bot.public_site.pages import Encoded, PublicSite  # noqa: E402
from bot.web import create_web_app  # noqa: E402
from storage.base import Base  # noqa: E402
from storage.public_map import MAX_POINTS  # noqa: E402
from storage.reports import PUBLISHED_STATUSES, Report  # noqa: E402

TARGET_MS = 200  # on the 2-core machine shared with other work (load average ~5 when measured)
RUNS = 7
# (label, query string); the boxes are west,south,east,north
QUERIES = {
    "city box (Almaty, ~40x30 km)": "bbox=76.75,43.10,77.15,43.38",
    "region box (~300x200 km)": "bbox=74.5,42.5,78.5,44.5",
    "region filter (KZ-71)": "region=KZ-71",
    "city box, cleaned only": "bbox=76.75,43.10,77.15,43.38&status=cleaned",
    "town box, sparse (~25x20 km)": "bbox=60.0,48.0,60.3,48.2",
    "steppe box, sparse (~200x150 km)": "bbox=58.0,46.0,60.5,47.3",
    "whole country (5,000 newest)": "",
}
LAT_LON_INDEX = "CREATE INDEX ix_reports_lat_lon ON reports (latitude, longitude)"


async def load(engine, reports: int) -> None:
    """70 % of the reports around Almaty, Astana and Shymkent, the rest anywhere in the country."""
    statuses = "ARRAY['new','queued','confirmed','in_progress','cleaned','cleaned','cleaned','rejected','duplicate','disputed']"
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(text(f"""
            INSERT INTO reports (id, status, region_code, latitude, longitude, location_source, waste_types,
                                 comment, confirmations_count, created_at, updated_at)
            SELECT g, ({statuses})[1 + (g * 31) % 10],
                   (ARRAY['KZ-75','KZ-71','KZ-79','KZ-35'])[1 + g % 4],
                   CASE WHEN g % 10 < 7 THEN (ARRAY[43.24, 51.13, 42.32])[1 + g % 3] + (random() - 0.5) * 0.3
                        ELSE 41 + random() * 14 END,
                   CASE WHEN g % 10 < 7 THEN (ARRAY[76.95, 71.43, 69.59])[1 + g % 3] + (random() - 0.5) * 0.4
                        ELSE 47 + random() * 40 END,
                   'shared', '[]'::jsonb, 'a comment', 0, now() - random() * interval '700 days', now()
            FROM generate_series(1::bigint, {reports}) g"""))
        await conn.execute(text("SELECT setval(pg_get_serial_sequence('reports', 'id'), (SELECT max(id) FROM reports))"))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE reports"))


def median_ms(times: list[float]) -> float:
    return statistics.median(times) * 1000


async def build_times(site: PublicSite) -> dict[str, float]:
    """One answer built (database and encoding), no cache."""
    found = {}
    for label, query in QUERIES.items():
        parsed = geojson.PointsQuery.parse(dict(p.split("=") for p in query.split("&") if p), site.geo.regions)
        times = []
        await site._report_points(parsed)  # warm-up: the table's pages in memory
        for _ in range(RUNS):
            start = time.perf_counter()
            body = await site._report_points(parsed)
            times.append(time.perf_counter() - start)
        found[label] = median_ms(times)
        found[label + " :features"] = body.body.count(b'"Feature"')
    return found


async def python_filter_times(site: PublicSite) -> dict[str, float]:
    """The baseline: every published report's point read, the box filtered in Python."""
    found = {}
    for label, query in QUERIES.items():
        if "bbox" not in query:
            continue
        parsed = geojson.PointsQuery.parse(dict(p.split("=") for p in query.split("&") if p), site.geo.regions)
        box = parsed.bbox
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            async with site.bot_app.sessions() as session:
                rows = (await session.execute(
                    select(Report.id, Report.status, Report.region_code, Report.latitude, Report.longitude)
                    .where(Report.status.in_(parsed.statuses or PUBLISHED_STATUSES), Report.latitude.is_not(None))
                    .order_by(Report.id.desc())
                )).all()  # fmt: skip
            inside = [r for r in rows if box.south <= r[3] <= box.north and box.west <= r[4] <= box.east]
            Encoded.of(geojson.report_features([geojson.ReportPoint(*r) for r in inside[:MAX_POINTS]], box, len(inside) > MAX_POINTS))
            times.append(time.perf_counter() - start)
        found[label] = median_ms(times)
    return found


async def http_times(app) -> tuple[float, float]:
    """Over HTTP: a city box the cache has not seen (each run moves it a little), and one it has."""
    client = TestClient(TestServer(create_web_app(app)))
    await client.start_server()
    try:
        missed, hit = [], []
        for run in range(RUNS):
            west = 76.75 + run * 0.001
            start = time.perf_counter()
            response = await client.get(f"/api/reports.geojson?bbox={west},43.10,77.15,43.38")
            await response.read()
            missed.append(time.perf_counter() - start)
            start = time.perf_counter()
            response = await client.get(f"/api/reports.geojson?bbox={west},43.10,77.15,43.38")
            await response.read()
            hit.append(time.perf_counter() - start)
        return median_ms(missed), median_ms(hit)
    finally:
        await client.close()


async def main(reports: int, url: str, skip_load: bool) -> None:
    settings = Settings(_env_file=None, DATABASE_URL=url, MEDIA_DIR=Path("/tmp/bench-geojson-media"),
                        PUBLIC_REQUESTS_PER_MINUTE=100_000, IDENTITY_SALT="bench")  # fmt: skip
    app = await create_app(settings, run_migrations=False)
    if not skip_load:
        started = time.perf_counter()
        await load(app.db, reports)
        print(f"loaded {reports:,} reports in {time.perf_counter() - started:.1f} s")
    site = PublicSite(app)
    indexed = await build_times(site)
    missed, hit = await http_times(app)
    in_python = await python_filter_times(site)
    async with app.db.begin() as conn:
        await conn.execute(text("DROP INDEX ix_reports_lat_lon"))
        await conn.execute(text("ANALYZE reports"))
    bare = await build_times(site)
    async with app.db.begin() as conn:
        await conn.execute(text(LAT_LON_INDEX))
    print(f"{'answer built (ms, median of ' + str(RUNS) + ')':36} {'features':>9} {'indexed':>8} {'no index':>9} "
          f"{'ratio':>6} {'in Python':>10} {'ratio':>6}")  # fmt: skip
    for label in QUERIES:
        python = in_python.get(label)
        python_text = f"{python:10.1f} {python / indexed[label]:6.1f}" if python else f"{'—':>10} {'':>6}"
        print(f"{label:36} {indexed[label + ' :features']:9,} {indexed[label]:8.1f} {bare[label]:9.1f} "
              f"{bare[label] / indexed[label]:6.1f} {python_text}")  # fmt: skip
    print(f"over HTTP, city box: cache missed {missed:.1f} ms, cache hit {hit:.1f} ms")
    city = indexed["city box (Almaty, ~40x30 km)"]
    verdict = "met" if city < TARGET_MS else "NOT met"
    print(f"target: a city's box built in under {TARGET_MS} ms with the cache missed: {city:.1f} ms, {verdict}")
    await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/taza_webmap")
    parser.add_argument("--skip-load", action="store_true", help="measure the data a previous run loaded")
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.database_url, args.skip_load))
