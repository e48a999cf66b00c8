"""Does open data starve the WhatsApp webhook? 250 concurrent Open311 clients on 127.0.0.1 pull
requests.json (pages, statuses and start dates varied so that part of them miss the cache) while
signed WhatsApp webhooks are posted and timed; the same webhooks are timed first with no load.

The per-address limit is lifted for the run (250 real clients would have 250 addresses), so the
load reaches Open311. The loop is bounded in time and in requests and stops by itself.

Prints p50/p99 of the webhook's answer unloaded and under load and their ratio, and what the
clients got. Issue 17 asks for p99 under 1 s under this load (Twilio gives up after 15 s).

usage: python benchmarks/open311_load.py [--clients 250] [--seconds 15] [--reports 3000] [--webhooks 60]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import migrate  # noqa: E402
from storage.reports import Report, ReportStatus  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.twilio_standin import TwilioStandIn  # noqa: E402
from tests.support.whatsapp import WhatsAppServer, WhatsAppUser, start_server  # noqa: E402

MAX_REQUESTS_PER_CLIENT = 2000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def seed(server: WhatsAppServer, clock: FakeClock, count: int) -> None:
    rng = random.Random(1)
    statuses = list(ReportStatus)
    async with server.app.sessions() as session, session.begin():
        for n in range(count):
            created = clock() - timedelta(minutes=rng.randrange(80 * 24 * 60))
            session.add(
                Report(
                    status=rng.choice(statuses),
                    region_code="KZ-75",
                    latitude=43.2 + rng.random() / 10,
                    longitude=76.9 + rng.random() / 10,
                    waste_types=["household"],
                    size="bag",
                    created_at=created,
                    updated_at=created,
                )
            )


async def time_webhooks(server: WhatsAppServer, count: int, first: int, pause: float) -> list[float]:
    """Post `count` signed webhooks, each from another number (no per-person limit involved)."""
    latencies = []
    for n in range(count):
        user = WhatsAppUser(server, number=f"+7702{first + n:07d}")
        started = time.perf_counter()
        status, _ = await server.post("/whatsapp", user.form(Body="hi"))
        latencies.append(time.perf_counter() - started)
        assert status == 200, status
        await asyncio.sleep(pause)
    return latencies


async def open311_client(http: aiohttp.ClientSession, base: str, rng: random.Random, until: float, got: Counter) -> None:
    for _ in range(MAX_REQUESTS_PER_CLIENT):
        if time.perf_counter() > until:
            return
        params = {"page": str(rng.randrange(1, 4)), "page_size": rng.choice(["100", "200", "1000"])}
        if rng.random() < 0.5:
            params["status"] = rng.choice(["open", "closed"])
        if rng.random() < 0.3:  # a start date to the minute: many distinct queries, cache misses
            params["start_date"] = f"2026-04-{rng.randrange(1, 29):02d}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00Z"
        try:
            async with http.get(f"{base}/open311/v2/requests.json", params=params) as response:
                await response.read()
                got[response.status] += 1
        except aiohttp.ClientError as exc:
            got[type(exc).__name__] += 1


async def main(clients: int, seconds: float, reports: int, webhooks: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite+aiosqlite:///{tmp}/bench.db"
        await migrate(url)
        twilio = TwilioStandIn()
        await twilio.start()
        clock = FakeClock()
        server = await start_server(
            twilio, url, Path(tmp) / "media", clock, PUBLIC_REQUESTS_PER_MINUTE=100_000
        )
        try:
            await seed(server, clock, reports)
            await time_webhooks(server, 5, 0, 0.0)  # warm-up
            quiet = await time_webhooks(server, webhooks, 100, 0.05)
            await server.settle()

            got: Counter = Counter()
            until = time.perf_counter() + seconds
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:
                load = [
                    asyncio.create_task(open311_client(http, server.base_url, random.Random(n), until, got))
                    for n in range(clients)
                ]
                await asyncio.sleep(min(2.0, seconds / 4))  # let the load build up
                loaded = await time_webhooks(server, webhooks, 10_000, max(0.0, (seconds - 4) / webhooks))
                await asyncio.gather(*load)
            await server.settle()
        finally:
            await server.close()
            await twilio.stop()

    served = sum(v for k, v in got.items() if k == 200)
    print(f"{reports} reports; {clients} Open311 clients for {seconds:.0f} s; {webhooks} webhooks each way")
    print(f"Open311 answers: {dict(got)} ({served / seconds:.0f} answered/s)")
    for name, values in (("unloaded", quiet), ("under load", loaded)):
        print(
            f"webhook {name:>10}: p50 {statistics.median(values) * 1000:7.1f} ms  "
            f"p99 {percentile(values, 0.99) * 1000:7.1f} ms  max {max(values) * 1000:7.1f} ms"
        )
    print(
        f"under load / unloaded: p50 x{statistics.median(loaded) / statistics.median(quiet):.1f}, "
        f"p99 x{percentile(loaded, 0.99) / percentile(quiet, 0.99):.1f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=250)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--reports", type=int, default=3000)
    parser.add_argument("--webhooks", type=int, default=60)
    args = parser.parse_args()
    asyncio.run(main(args.clients, args.seconds, args.reports, args.webhooks))
