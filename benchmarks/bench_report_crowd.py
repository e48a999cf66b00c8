"""A crowd going through the report flow at once: USERS people each start the bot, pick English,
agree, tap «📸», send a photo, share a location, pick the waste and send the report, all at the same
time on one engine (SQLite, or PostgreSQL with --postgres). Every step is one update through the
inbox and the engine, every answer goes through the outbox.

Prints the step latency (p50/p99), the errors (a step that failed or an answer that was not the
expected next question), the reports lost or doubled (one report a person expected), and the
resident memory after the crowd. 1,000 users take several minutes on 2 shared cores (each photo is
checked, resized and hashed); --users makes it shorter.

    python benchmarks/bench_report_crowd.py --users 1000 [--postgres URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import func, select  # noqa: E402

from bot.app import create_app  # noqa: E402
from bot.config import Settings  # noqa: E402
from storage.reports import Report  # noqa: E402
from tests.support import images  # noqa: E402
from tests.support.chat import Chat, CollectingChannel  # noqa: E402

ASTANA = (51.1282, 71.4306)


class TimedChat(Chat):
    """A Chat that times each of its steps (the update's way in and its answers' way out)."""

    waits: list[float] = []

    async def deliver(self, incoming):
        started = time.perf_counter()
        try:
            return await super().deliver(incoming)
        finally:
            TimedChat.waits.append(time.perf_counter() - started)


async def person(app, n: int, photo: bytes) -> None:
    chat = TimedChat(app, f"citizen{n}")
    await chat.onboard("English")
    await chat.click("📸")
    await chat.photo(photo)
    # 100 m apart from each other: no one's report is a duplicate of another's
    await chat.location(ASTANA[0] + (n // 40) * 0.001, ASTANA[1] + (n % 40) * 0.0015)
    await chat.click("Plastic")
    sent = await chat.click("Send the report")
    assert "TZ-" in sent[-1].text, sent[-1].text


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000)
    parser.add_argument("--postgres", help="an empty, migrated PostgreSQL database (else SQLite)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.postgres or f"sqlite+aiosqlite:///{tmp}/crowd.db"
        settings = Settings(_env_file=None, DATABASE_URL=url, MEDIA_DIR=Path(tmp) / "media", INPUTS_PER_MINUTE=10_000)
        app = await create_app(settings)
        app.add_channel(CollectingChannel("console"))
        photos = [images.jpeg(n + 1, size=(1024, 768)) for n in range(args.users)]  # no two alike
        before = rss_mb()
        started = time.perf_counter()
        results = await asyncio.gather(*(person(app, n, photos[n]) for n in range(args.users)), return_exceptions=True)
        elapsed = time.perf_counter() - started
        errors = [r for r in results if isinstance(r, BaseException)]
        async with app.sessions() as session:
            reports = await session.scalar(select(func.count()).select_from(Report)) or 0
        waits = sorted(TimedChat.waits)
        print(f"{args.users} people through the report flow at once ({'PostgreSQL' if args.postgres else 'SQLite'}), "
              f"{len(waits)} steps in {elapsed:.1f} s")
        print(f"step latency p50 {statistics.median(waits) * 1000:.0f} ms, p99 {waits[int(len(waits) * 0.99) - 1] * 1000:.0f} ms")
        print(f"errors {len(errors)}, reports {reports} (lost {max(0, args.users - len(errors) - reports)}, "
              f"doubled {max(0, reports - (args.users - len(errors)))})")
        if errors:
            print("first error:", repr(errors[0])[:300])
        print(f"RSS {before:.0f} MB before, {rss_mb():.0f} MB after the crowd")
        await app.close()


if __name__ == "__main__":
    asyncio.run(main())
