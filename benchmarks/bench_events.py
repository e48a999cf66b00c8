"""Cleanup events at scale:

1. "Events near me" with N upcoming events (default 10,000) spread over Kazakhstan's cities, many
   of them around Almaty and Astana: queries per second of `storage.events.events_near` (a box in
   the database, the sphere's distance to pick the page's candidates, the geodesic for those only),
   against the baseline of the same run that loads every upcoming event and sorts them all by
   geodesic distance. The two must return the same page.
2. The reminder job with M sign-ups due (default 50,000): seconds, and a second run that must send
   nothing; against the baseline of looking up each person's address one by one (a query a
   person, as `Notifier.to_user` does), measured on the first 2,000 of them and scaled up.

    python benchmarks/bench_events.py [--events 10000] [--signups 50000] [--database-url postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from geopy.distance import geodesic
from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.scheduler import run_job  # noqa: E402
from storage.base import Base, utcnow  # noqa: E402
from storage.events import Event, EventSignup, EventStatus, SignupStatus, events_near  # noqa: E402
from storage.models import Identity, OutboxMessage, User  # noqa: E402
from storage.users import latest_address  # noqa: E402

import storage.all_models  # noqa: E402,F401

CITIES = [  # (latitude, longitude, weight)
    (43.2389, 76.8897, 30), (51.1282, 71.4306, 25), (42.3417, 69.5901, 10), (47.0945, 51.9238, 5),
    (49.8047, 73.1094, 5), (52.2873, 76.9674, 5), (50.2839, 57.1670, 5), (53.2144, 63.6246, 5),
    (44.8488, 65.4823, 5), (49.9480, 82.6279, 5),
]
QUERIES = 300
BASELINE_QUERIES = 5
BASELINE_PEOPLE = 2_000


def random_point(rng: random.Random) -> tuple[float, float]:
    lat, lon, _w = rng.choices(CITIES, weights=[c[2] for c in CITIES])[0]
    return lat + rng.gauss(0, 0.25), lon + rng.gauss(0, 0.35)


async def naive_near(session, lat, lon, now, radius_km, limit):
    rows = (await session.execute(select(Event.id, Event.latitude, Event.longitude).where(Event.status == EventStatus.SCHEDULED, Event.ends_at > now))).all()
    ranked = sorted((geodesic((lat, lon), (r[1], r[2])).meters, r[0]) for r in rows)
    return [i for d, i in ranked if d <= radius_km * 1000][:limit]


async def bench_near(app, count: int, rng: random.Random) -> None:
    now = utcnow()
    async with app.sessions() as s, s.begin():
        for start in range(0, count, 5_000):
            rows = []
            for _ in range(start, min(count, start + 5_000)):
                lat, lon = random_point(rng)
                begins = now + timedelta(hours=rng.randint(2, 24 * 60))
                rows.append(
                    {"title": "Cleanup", "description": "bench", "latitude": lat, "longitude": lon, "region_code": "KZ-75",
                     "starts_at": begins, "ends_at": begins + timedelta(hours=3), "capacity": 50, "taken": 0,
                     "status": EventStatus.SCHEDULED, "created_at": now, "updated_at": now}
                )
            await s.execute(insert(Event), rows)
    points = [random_point(rng) for _ in range(QUERIES)]
    async with app.sessions() as s:
        started = time.perf_counter()
        pages = [await events_near(s, lat, lon, now, radius_km=100, limit=5) for lat, lon in points]
        fast = time.perf_counter() - started
        started = time.perf_counter()
        naive = [await naive_near(s, lat, lon, now, 100, 5) for lat, lon in points[:BASELINE_QUERIES]]
        slow = time.perf_counter() - started
    same = all([e.id for e, _d in page.page] == ids for page, ids in zip(pages, naive))
    mean_candidates = sum(p.total for p in pages) / len(pages)
    fast_qps, slow_qps = QUERIES / fast, BASELINE_QUERIES / slow
    print(f"events near me:      {count:,} upcoming events; {mean_candidates:,.0f} within 100 km of a query on average")
    print(f"  events_near:       {fast_qps:,.1f} queries/s ({QUERIES} queries, first page of 5)")
    print(f"  baseline:          {slow_qps:,.1f} queries/s (all upcoming events, geodesic for each, {BASELINE_QUERIES} queries)")
    print(f"  ratio:             {fast_qps / slow_qps:,.1f}x; same pages as the baseline: {same}")


async def bench_reminders(app, signups: int, rng: random.Random) -> None:
    now = app.engine.clock()
    async with app.sessions() as s, s.begin():
        await s.execute(text("DELETE FROM events"))
        events = []
        for i in range(max(1, signups // 100)):
            begins = now + timedelta(hours=20, minutes=i % 60)
            events.append({"title": f"Cleanup {i}", "description": "bench", "latitude": 43.25, "longitude": 76.9,
                           "region_code": "KZ-75", "starts_at": begins, "ends_at": begins + timedelta(hours=3),
                           "capacity": 100, "taken": 100, "status": EventStatus.SCHEDULED, "created_at": now, "updated_at": now})
        ids = list((await s.execute(insert(Event).returning(Event.id), events)).scalars())
        for start in range(0, signups, 5_000):
            n = min(signups, start + 5_000) - start
            users = list((await s.execute(insert(User).returning(User.id), [{"display_name": f"v{start + k}", "language": rng.choice(["kk", "ru", "en"]), "created_at": now} for k in range(n)])).scalars())
            await s.execute(insert(Identity), [{"user_id": u, "channel": "telegram", "external_id": str(u), "chat_id": str(u), "created_at": now} for u in users])
            await s.execute(insert(EventSignup), [{"event_id": ids[(start + k) // 100 % len(ids)], "user_id": u, "status": SignupStatus.GOING, "queued_at": now, "updated_at": now} for k, u in enumerate(users)])
    async with app.sessions() as s:
        people = list((await s.scalars(select(EventSignup.user_id).limit(BASELINE_PEOPLE))).all())
        started = time.perf_counter()
        for person in people:
            await latest_address(s, person)
        per_person = (time.perf_counter() - started) / len(people)
    started = time.perf_counter()
    summary = await run_job(app, "event_reminders")
    elapsed = time.perf_counter() - started
    started = time.perf_counter()
    again = await run_job(app, "event_reminders")
    second = time.perf_counter() - started
    async with app.sessions() as s:
        queued = await s.scalar(select(func.count()).select_from(OutboxMessage))
    baseline = per_person * signups
    print(f"reminder job:        {signups:,} sign-ups due in {len(ids)} events")
    print(f"  run:               {elapsed:.2f} s ({summary}); outbox rows {queued:,}")
    print(f"  second run:        {second:.3f} s ({again})")
    print(f"  baseline lookups:  {baseline:.1f} s for the addresses alone, one person at a time ({per_person * 1000:.2f} ms each, measured on {len(people):,})")
    print(f"  ratio:             {baseline / elapsed:,.1f}x")


async def main(events: int, signups: int, database_url: str | None) -> None:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = Settings(_env_file=None, DATABASE_URL=url, MEDIA_DIR=Path(tmp) / "media")
        app = await create_app(settings)
        try:
            if database_url:
                tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "alembic_version")
                async with app.db.begin() as conn:
                    await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            print(f"database:            {url.split(':')[0]}")
            await bench_near(app, events, rng)
            await bench_reminders(app, signups, rng)
        finally:
            await app.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=10_000)
    parser.add_argument("--signups", type=int, default=50_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.events, args.signups, args.database_url))
