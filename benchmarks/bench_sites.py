"""Sites detected from space at scale: importing 5,000 sites (parse the CSV, find each one's region
and district, insert reports, history and detections in bulk), then choosing invitations for
100,000 people with known locations, and the whole `site_invitations` job (reading the locations,
choosing, queuing up to 2,000 invitations in the outbox).

Baselines measured in the same run: for the import, finding the regions and districts alone (the
geography lookups, the floor of any import); for the choice, comparing each person with every site
(brute force, timed on a sample and scaled to all), which the grid of cells replaces.

    python benchmarks/bench_sites.py [--sites 5000] [--people 100000] [--database-url postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.scheduler import run_job  # noqa: E402
from handlers.sites.importing import import_sites, parse  # noqa: E402
from jobs.sites import INVITE_RADIUS_M, choose_invitations, haversine_m  # noqa: E402
from storage.base import Base  # noqa: E402
from storage.models import Identity, OutboxMessage, User  # noqa: E402
from storage.reports import Report, ReportStatus  # noqa: E402
from storage.sites import SharedLocation  # noqa: E402

import storage.all_models  # noqa: E402,F401

# Where people live and dumps are found: the largest cities (sites and people spread around them).
CITIES = [
    (43.238, 76.945), (51.128, 71.430), (42.315, 69.587), (49.806, 73.085), (50.283, 57.167),
    (42.900, 71.367), (52.287, 76.967), (49.948, 82.628), (53.214, 63.624), (44.852, 65.509),
    (47.106, 51.904), (51.227, 51.387), (43.650, 51.160), (54.875, 69.162), (50.411, 80.227),
]
NOW = datetime(2026, 6, 1, 6, 0, tzinfo=timezone.utc)  # 11:00 in Kazakhstan: not quiet hours


def point(rng: random.Random, spread: float) -> tuple[float, float]:
    lat, lon = rng.choice(CITIES)
    return round(lat + rng.gauss(0, spread), 6), round(lon + rng.gauss(0, spread * 1.4), 6)


def brute_force(sites, people) -> int:
    """The nearest site within the radius for each person, comparing with every site."""
    found = 0
    for _user, lat, lon in people:
        best = min((haversine_m(lat, lon, s[1], s[2]) for s in sites), default=None)
        found += best is not None and best <= INVITE_RADIUS_M
    return found


async def main(site_count: int, people_count: int, database_url: str | None) -> None:
    rng = random.Random(14)
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = Settings(_env_file=None, DATABASE_URL=url, MEDIA_DIR=Path(tmp) / "media", ADMINS=["telegram:1"])
        app = await create_app(settings, clock=lambda: NOW)
        try:
            if database_url:
                tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "alembic_version")
                async with app.db.begin() as conn:
                    await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            geo = app.engine.router.services["geo"]
            csv_text = "lat,lon,source_id,detected,area_m2\n" + "".join(
                f"{lat},{lon},S{i},2025-06-01,{rng.randint(50, 5000)}\n"
                for i, (lat, lon) in enumerate(point(rng, 0.25) for _ in range(site_count))
            )

            started = time.perf_counter()
            parsed = parse(csv_text, "sites.csv")
            parse_s = time.perf_counter() - started
            started = time.perf_counter()
            for row in parsed.rows:
                geo.locate(row.latitude, row.longitude)
            locate_s = time.perf_counter() - started
            started = time.perf_counter()
            async with app.sessions() as s, s.begin():
                result = await import_sites(s, geo, parsed.rows, "bench", NOW)
            import_s = time.perf_counter() - started
            started = time.perf_counter()
            async with app.sessions() as s, s.begin():
                again = await import_sites(s, geo, parsed.rows, "bench", NOW)
            again_s = time.perf_counter() - started

            print(f"import of {site_count:,} sites: {result.added:,} added, {len(result.errors)} outside Kazakhstan")
            print(f"  parse CSV                        {parse_s:8.3f} s")
            print(f"  baseline: region/district lookups {locate_s:8.3f} s")
            print(f"  import (parse excluded)          {import_s:8.3f} s  ({import_s / locate_s:.2f}x the lookups)")
            print(f"  the same file again              {again_s:8.3f} s  ({again.known:,} known, {again.added} added)")

            # People: a user, an identity and a location shared within the last 30 days each.
            people = [(i + 1, *point(rng, 0.3)) for i in range(people_count)]
            async with app.sessions() as s, s.begin():
                for start in range(0, people_count, 10_000):
                    part = people[start : start + 10_000]
                    await s.execute(insert(User), [{"id": u, "display_name": None, "language": rng.choice(["kk", "ru", "en"]), "created_at": NOW} for u, _a, _b in part])
                    await s.execute(insert(Identity), [{"user_id": u, "channel": "telegram", "external_id": str(u), "chat_id": str(u), "created_at": NOW} for u, _a, _b in part])
                    await s.execute(insert(SharedLocation), [{"user_id": u, "latitude": a, "longitude": b, "shared_at": NOW} for u, a, b in part])
            async with app.sessions() as s:
                sites = [tuple(r) for r in (await s.execute(select(Report.id, Report.latitude, Report.longitude).where(Report.status == ReportStatus.TO_VERIFY))).all()]

            started = time.perf_counter()
            chosen = choose_invitations(sites, people, limit=10**9, per_site=10**9)
            choose_s = time.perf_counter() - started
            sample = people[:1000]
            started = time.perf_counter()
            brute_force(sites, sample)
            brute_s = (time.perf_counter() - started) * people_count / len(sample)
            started = time.perf_counter()
            summary = await run_job(app, "site_invitations")
            job_s = time.perf_counter() - started
            async with app.sessions() as s:
                queued = await s.scalar(select(func.count()).select_from(OutboxMessage))

            print(f"invitations for {people_count:,} people near {len(sites):,} sites: {len(chosen):,} have a site within {INVITE_RADIUS_M / 1000:g} km")
            print(f"  choice with the grid of cells    {choose_s:8.3f} s")
            print(f"  baseline: brute force (scaled)   {brute_s:8.3f} s  ({brute_s / choose_s:.0f}x slower)")
            print(f"  the whole job                    {job_s:8.3f} s  ({summary}; {queued:,} in the outbox)")
        finally:
            await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sites", type=int, default=5000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database-url", help="a PostgreSQL URL (its tables are emptied); default: a temporary SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.sites, args.people, args.database_url))
