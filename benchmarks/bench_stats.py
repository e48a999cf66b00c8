"""/stats at scale: the figures of the country and of one region, the region comparison, and the
eco-points leaderboards and ranks, on a PostgreSQL database with 1,000,000 reports (about 40 %
cleaned, with their triage rows), 100,000 users with 500,000 ledger entries, 5,000 events and
20,000 tree plantings. Milliseconds per call (median of several), with the indexes /stats uses,
against the baseline of the same run without them (the same queries, the indexes dropped, then
made again).

    python benchmarks/bench_stats.py [--reports 1000000] [--users 100000] \
        [--database-url postgresql+asyncpg://postgres@127.0.0.1:5432/taza_points]

The database's tables are dropped and made again: use a database of its own.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import storage.all_models  # noqa: E402,F401
from storage import points  # noqa: E402
from storage.base import Base, utcnow  # noqa: E402
from storage.stats import figures, region_standings  # noqa: E402

REGIONS = ["KZ-10", "KZ-11", "KZ-15", "KZ-19", "KZ-23", "KZ-27", "KZ-31", "KZ-33", "KZ-35", "KZ-39",
           "KZ-43", "KZ-47", "KZ-55", "KZ-59", "KZ-61", "KZ-62", "KZ-63", "KZ-71", "KZ-75", "KZ-79"]
# The indexes /stats leans on: the baseline drops them (name, the statement that makes it again).
INDEXES = {
    "ix_reports_region_status": "CREATE INDEX ix_reports_region_status ON reports (region_code, status, created_at)",
    "ix_reports_created": "CREATE INDEX ix_reports_created ON reports (created_at)",
    "ix_reports_status_created": "CREATE INDEX ix_reports_status_created ON reports (status, created_at)",
    "ix_report_triage_cleaned": "CREATE INDEX ix_report_triage_cleaned ON report_triage (cleaned_at, report_id)",
    "ix_points_ledger_user_created": "CREATE INDEX ix_points_ledger_user_created ON points_ledger (user_id, created_at)",
    "ix_points_ledger_region_created": "CREATE INDEX ix_points_ledger_region_created ON points_ledger (region_code, created_at)",
    "ix_points_ledger_created": "CREATE INDEX ix_points_ledger_created ON points_ledger (created_at)",
}
RUNS = 5


async def load(engine, reports: int, users: int) -> None:
    regions = "ARRAY[" + ",".join(f"'{r}'" for r in REGIONS) + "]"
    statuses = "ARRAY['new','queued','confirmed','in_progress','cleaned','cleaned','cleaned','cleaned','rejected','duplicate','disputed']"
    async with engine.begin() as conn:
        await conn.run_sync(Base.metadata.drop_all)
        await conn.run_sync(Base.metadata.create_all)
        await conn.execute(text(f"""
            INSERT INTO users (id, display_name, language, created_at)
            SELECT g, 'User ' || g, (ARRAY['kk','ru','en'])[1 + g % 3], now() FROM generate_series(1::bigint, {users}) g"""))
        await conn.execute(text(f"""
            INSERT INTO reports (id, reporter_id, status, region_code, latitude, longitude, location_source, waste_types,
                                 confirmations_count, created_at, updated_at)
            SELECT g, 1 + (g * 7919) % {users}, ({statuses})[1 + (g * 31) % 11], ({regions})[1 + (g * 17) % 20],
                   43 + random() * 10, 50 + random() * 30, 'shared', '[]'::jsonb, 0,
                   now() - random() * interval '730 days', now()
            FROM generate_series(1::bigint, {reports}) g"""))
        await conn.execute(text("""
            INSERT INTO report_triage (report_id, national, queued_at, disputes, cleaned_at)
            SELECT id, false, created_at, 0,
                   CASE WHEN status = 'cleaned' THEN created_at + random() * interval '60 days' END
            FROM reports WHERE status <> 'new'"""))
        await conn.execute(text(f"""
            INSERT INTO events (id, title, description, latitude, longitude, region_code, starts_at, ends_at, capacity, taken,
                                status, created_at, updated_at, results_at, attended, bags, kilograms)
            SELECT g, 'Event ' || g, 'd', 43, 76, ({regions})[1 + g % 20], now() - interval '10 days',
                   now() - interval '9 days', 50, 10, 'scheduled', now(), now(), now(), 10, 20, 55.5
            FROM generate_series(1::bigint, 5000) g"""))
        await conn.execute(text(f"""
            INSERT INTO tree_plantings (id, owner_id, species, count, planted_on, region_code, latitude, longitude,
                                        location_source, created_at)
            SELECT g, 1 + g % {users}, 'elm', 1 + g % 10, current_date, ({regions})[1 + g % 20], 43, 76, 'shared', now()
            FROM generate_series(1::bigint, 20000) g"""))
        await conn.execute(text("""
            INSERT INTO tree_captures (planting_id, captured_at, source, alive)
            SELECT id, now(), 'checkin', count / 2 FROM tree_plantings"""))
        await conn.execute(text(f"""
            INSERT INTO quiz_rounds (user_id, kind, level, language, question_ids, position, score, started_at)
            SELECT 1 + (g * 13) % {users}, 'solo', 'school', 'en', '[]'::jsonb, 0, 0, now()
            FROM generate_series(1::bigint, 50000) g"""))
        await conn.execute(text(f"""
            INSERT INTO points_ledger (user_id, deed, ref, seq, points, region_code, created_at)
            SELECT 1 + (g * 7) % {users}, 'report_confirmed', g::text, 0, 10, ({regions})[1 + (g * 3) % 20],
                   now() - random() * interval '400 days'
            FROM generate_series(1::bigint, {users * 5}) g"""))
        for table in ("reports", "users", "tree_plantings", "tree_captures", "events", "quiz_rounds"):
            await conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"))
    async with engine.connect() as conn:
        await conn.execution_options(isolation_level="AUTOCOMMIT")
        await conn.execute(text("VACUUM ANALYZE"))


async def timed(sessions, label: str, call) -> float:
    times = []
    for _ in range(RUNS):
        async with sessions() as session:
            start = time.perf_counter()
            await call(session)
            times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


async def measure(sessions) -> dict[str, float]:
    now = utcnow()
    since = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    calls = {
        "/stats country": lambda s: figures(s, None, now),
        "/stats region (Almaty)": lambda s: figures(s, "KZ-75", now),
        "region comparison": lambda s: region_standings(s, now),
        "leaderboard country, all time": lambda s: points.leaderboard(s),
        "leaderboard region, this month": lambda s: points.leaderboard(s, region_code="KZ-75", since=since),
        "rank in country + region (profile)": lambda s: _ranks(s),
    }
    return {label: await timed(sessions, label, call) for label, call in calls.items()}


async def _ranks(session) -> None:
    await points.rank_of(session, 4242)
    await points.rank_of(session, 4242, await points.home_region(session, 4242))


async def main(reports: int, users: int, url: str, skip_load: bool) -> None:
    engine = create_async_engine(url)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    if not skip_load:
        started = time.perf_counter()
        await load(engine, reports, users)
        print(f"loaded {reports:,} reports and {users:,} users in {time.perf_counter() - started:.0f} s")
    indexed = await measure(sessions)
    async with engine.begin() as conn:
        for name in INDEXES:
            await conn.execute(text(f"DROP INDEX {name}"))
        await conn.execute(text("ANALYZE"))
    bare = await measure(sessions)
    async with engine.begin() as conn:
        for statement in INDEXES.values():
            await conn.execute(text(statement))
    print(f"{'call':40} {'indexed ms':>11} {'no index ms':>12} {'ratio':>7}")
    for label in indexed:
        print(f"{label:40} {indexed[label]:11.1f} {bare[label]:12.1f} {bare[label] / indexed[label]:7.2f}")
    await engine.dispose()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=1_000_000)
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--database-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/taza_points")
    parser.add_argument("--skip-load", action="store_true", help="measure the data a previous run loaded")
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.users, args.database_url, args.skip_load))
