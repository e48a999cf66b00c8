"""A broadcast of N messages (one each to N chats) through the real outbox sender, against a local
HTTP stand-in for the Bot API that enforces 30 messages per sliding second and answers 429 with
`retry_after` when exceeded.

Prints: the time taken, the achieved rate as a share of the limit, the 429s seen and the messages
lost or duplicated. 10,000 messages take about 5.5 minutes at 30/s; `--messages` makes it shorter.

    python benchmarks/bench_broadcast.py --messages 10000
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
from aiohttp import web
from sqlalchemy import func, select

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.channels.base import RateLimits, SendError  # noqa: E402
from bot.outbox import OutboxSender  # noqa: E402
from handlers.types import MediaRef, Reply  # noqa: E402
from storage.base import utcnow  # noqa: E402
from storage.db import create_engine, migrate, session_factory  # noqa: E402
from storage.models import OutboxMessage, OutboxStatus  # noqa: E402

LIMIT = 30  # messages per second, overall


class RateEnforcingApi:
    """sendMessage that keeps a sliding one-second window and refuses the (LIMIT+1)-th."""

    def __init__(self) -> None:
        self.window: collections.deque[float] = collections.deque()
        self.received: collections.Counter[str] = collections.Counter()
        self.refused = 0

    async def send_message(self, request: web.Request) -> web.Response:
        body = await request.json()
        now = time.monotonic()
        while self.window and now - self.window[0] >= 1.0:
            self.window.popleft()
        if len(self.window) >= LIMIT:
            self.refused += 1
            return web.json_response(
                {
                    "ok": False,
                    "error_code": 429,
                    "description": "Too Many Requests: retry after 1",
                    "parameters": {"retry_after": 1},
                },
                status=429,
            )
        self.window.append(now)
        self.received[str(body["chat_id"])] += 1
        return web.json_response({"ok": True, "result": {"message_id": sum(self.received.values())}})


class HttpChannel:
    """The minimum of a Telegram adapter: sendMessage over HTTP, 429 -> SendError(retry_after)."""

    name = "telegram"
    limits = RateLimits(per_second=LIMIT, per_chat_per_second=1, per_group_per_minute=20)

    def __init__(self, base_url: str, http: aiohttp.ClientSession) -> None:
        self.base_url = base_url
        self.http = http

    def delivers_to(self, chat_id: str) -> bool:
        return True

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        raise NotImplementedError

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        async with self.http.post(
            f"{self.base_url}/sendMessage", json={"chat_id": chat_id, "text": reply.text}
        ) as response:
            data = await response.json()
        if not data["ok"]:
            retry_after = (data.get("parameters") or {}).get("retry_after")
            raise SendError(data["description"], retry_after=retry_after)
        return str(data["result"]["message_id"])


async def main(messages: int, database_url: str | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        url = database_url or f"sqlite+aiosqlite:///{tmp}/bench.db"
        await migrate(url)
        db = create_engine(url)
        sessions = session_factory(db)
        now = utcnow()
        async with sessions() as s, s.begin():
            await s.execute(
                OutboxMessage.__table__.insert(),
                [
                    {
                        "channel": "telegram",
                        "chat_id": str(10_000_000 + i),
                        "payload": Reply(text=f"Cleanup event on Saturday #{i}", kind="broadcast").to_json(),
                        "status": OutboxStatus.PENDING,
                        "attempts": 0,
                        "created_at": now,
                        "next_attempt_at": now,
                    }
                    for i in range(messages)
                ],
            )

        api = RateEnforcingApi()
        web_app = web.Application()
        web_app.router.add_post("/bot/sendMessage", api.send_message)
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

        async with aiohttp.ClientSession() as http:
            channel = HttpChannel(f"http://127.0.0.1:{port}/bot", http)
            sender = OutboxSender(sessions, {"telegram": channel})
            started = time.perf_counter()
            running = asyncio.create_task(sender.run())
            sender.wake()
            while True:
                await asyncio.sleep(0.5)
                async with sessions() as s:
                    pending = await s.scalar(
                        select(func.count()).where(OutboxMessage.status == OutboxStatus.PENDING)
                    )
                if not pending:
                    break
            elapsed = time.perf_counter() - started
            running.cancel()
            await asyncio.gather(running, return_exceptions=True)

        async with sessions() as s:
            failed = await s.scalar(
                select(func.count()).where(OutboxMessage.status == OutboxStatus.FAILED)
            )
        await runner.cleanup()
        await db.dispose()

    delivered = len(api.received)
    duplicates = sum(n - 1 for n in api.received.values() if n > 1)
    rate = messages / elapsed
    print(f"messages:            {messages} (one each to {messages} chats), database {url.split(':')[0]}")
    print(f"time:                {elapsed:.1f} s")
    print(f"achieved rate:       {rate:.2f} msg/s = {rate / LIMIT:.3f} of the {LIMIT}/s limit")
    print(f"429s seen:           {api.refused} (sender counted {sender.rate_limited})")
    print(f"lost:                {messages - delivered} (failed rows: {failed})")
    print(f"duplicates:          {duplicates}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    args = parser.parse_args()
    asyncio.run(main(args.messages, args.database_url))
