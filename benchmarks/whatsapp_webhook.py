"""WhatsApp webhook figures: signed webhooks posted by many users at once to the bot's real web
server (SQLite or DATABASE_URL), replies sent to the local Twilio stand-in.

Prints: webhook answers/s (stored in the inbox, 200 given), steps processed/s, and the sending pace
reached against Twilio's ~10 messages/s that the channel keeps.

usage: python benchmarks/whatsapp_webhook.py [--users 40] [--turns 3] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from storage.db import migrate  # noqa: E402
from tests.support.clock import FakeClock  # noqa: E402
from tests.support.twilio_standin import TwilioStandIn  # noqa: E402
from tests.support.whatsapp import WhatsAppUser, start_server  # noqa: E402


async def main(users: int, turns: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await migrate(url)
        twilio = TwilioStandIn()
        await twilio.start()
        server = await start_server(twilio, url, Path(tmp) / "media", FakeClock())
        people = [WhatsAppUser(server, f"+7701{n:07d}", f"user{n}") for n in range(users)]
        forms = [[p.form(Body=text) for text in ["hi", "3", "1"][:turns]] for p in people]
        latencies: list[float] = []

        async def talk(turns_of_one: list[dict[str, str]]) -> None:
            for form in turns_of_one:  # one user's turns in order, users side by side
                started = time.perf_counter()
                status, _ = await server.post("/whatsapp", form)
                latencies.append(time.perf_counter() - started)
                assert status == 200

        started = time.perf_counter()
        await asyncio.gather(*(talk(f) for f in forms))
        accepted = time.perf_counter() - started
        await server.hook.queues.join()
        processed = time.perf_counter() - started
        sending_started = time.perf_counter()
        await server.app.sender.flush()
        while len(twilio.sent) < users * turns:
            await server.app.sender.flush()
        sent = time.perf_counter() - sending_started
        total = users * turns
        print(f"database: {url.split(':')[0]}; {users} users x {turns} turns = {total} webhooks")
        print(f"webhooks answered: {total / accepted:7.1f}/s  (median {statistics.median(latencies) * 1000:.1f} ms, "
              f"p95 {sorted(latencies)[int(0.95 * len(latencies))] * 1000:.1f} ms to the 200)")
        print(f"steps processed:   {total / processed:7.1f}/s")
        print(f"messages sent:     {len(twilio.sent) / sent:7.1f}/s  (the channel's limit: 10/s; ratio "
              f"{len(twilio.sent) / sent / 10:.2f})")
        await server.close()
        await twilio.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--turns", type=int, default=3, choices=(1, 2, 3))
    parser.add_argument("--database-url")
    args = parser.parse_args()
    asyncio.run(main(args.users, args.turns, args.database_url))
