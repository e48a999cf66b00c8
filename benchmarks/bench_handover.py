"""Handing over N pending reports (default 100,000) with the real handover job: one set-based
UPDATE claims them, the history and triage rows are inserted in bulk, and each region's chat gets
a batch announcement, all in one transaction. Prints the seconds and reports per second.

    python benchmarks/bench_handover.py [--reports 100000] [--database-url postgresql+asyncpg://...]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select, text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from bot.scheduler import run_job  # noqa: E402
from storage.base import Base, utcnow  # noqa: E402
from storage.models import OutboxMessage, User  # noqa: E402
from storage.moderation import add_moderator, bind_chat  # noqa: E402
from storage.reports import Report, ReportStatus, ReportStatusChange  # noqa: E402

import storage.all_models  # noqa: E402,F401


async def main(count: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        settings = Settings(_env_file=None, DATABASE_URL=url, MEDIA_DIR=Path(tmp) / "media", ADMINS=["telegram:1"])
        app = await create_app(settings)
        try:
            if database_url:
                tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables if t.name != "alembic_version")
                async with app.db.begin() as conn:
                    await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
            geo = app.engine.router.services["geo"]
            regions = sorted(geo.regions)
            now = utcnow()
            async with app.sessions() as s, s.begin():
                user = User(display_name="bench", language="ru", created_at=now)
                s.add(user)
                await s.flush()
                for i, region in enumerate(regions[:15]):  # 5 regions without moderators: national queue
                    await add_moderator(s, "telegram", str(1000 + i), region, "bench", now)
                    await bind_chat(s, region, "telegram", str(-1000 - i), "bench", now)
                rng = random.Random(1)
                started = time.perf_counter()
                for chunk in range(0, count, 10_000):
                    await s.execute(
                        insert(Report),
                        [
                            {
                                "reporter_id": user.id,
                                "status": ReportStatus.NEW,
                                "region_code": rng.choice(regions),
                                "latitude": 43.2 + rng.random(),
                                "longitude": 76.9 + rng.random(),
                                "location_source": "shared",
                                "waste_types": ["household"],
                                "size": "bag",
                                "confirmations_count": 0,
                                "created_at": now,
                                "updated_at": now,
                            }
                            for _ in range(chunk, min(count, chunk + 10_000))
                        ],
                    )
                inserted = time.perf_counter() - started
            started = time.perf_counter()
            summary = await run_job(app, "handover")
            elapsed = time.perf_counter() - started
            async with app.sessions() as s:
                queued = await s.scalar(select(func.count()).where(Report.status == ReportStatus.QUEUED))
                history = await s.scalar(select(func.count()).select_from(ReportStatusChange))
                messages = await s.scalar(select(func.count()).select_from(OutboxMessage))
            second = time.perf_counter()
            again = await run_job(app, "handover")
            second = time.perf_counter() - second
        finally:
            await app.close()
    print(f"database:            {url.split(':')[0]}")
    print(f"reports:             {count} pending (inserted in {inserted:.1f} s, not counted)")
    print(f"handover:            {elapsed:.2f} s = {count / elapsed:,.0f} reports/s  ({summary})")
    print(f"queued afterwards:   {queued}; history rows {history}; outbox messages {messages}")
    print(f"second run:          {second:.3f} s ({again})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.reports, args.database_url))
