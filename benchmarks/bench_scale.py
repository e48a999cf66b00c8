"""Taza Bot against a bare aiogram echo bot, in one run, on the same Bot API emulator
(tests/support/telegram_emulator.py on 127.0.0.1, no platform limits unless --limits).

Load: USERS people each send `/help` MESSAGES times, each waiting for the answer before the next
(a closed loop, as people chat). Printed per set-up: replies/s, the wait for an answer (p50/p99),
errors, lost and doubled answers, and the ratio to the echo bot. Then the cold start (process start
to the first getUpdates) and the resident memory of `python -m bot` against the echo bot's.

Each set-up runs in a fresh interpreter of its own. The echo bot and Taza on SQLite are taken in
turn --rounds times (the speed of this shared machine drifts by a fifth from minute to minute) and
the median ratio is printed.

Set-ups: the echo bot; Taza on SQLite; Taza on PostgreSQL (--postgres URL, an empty database that
is migrated here), and in webhook mode with one and with two `python -m bot web` processes, whose
CPU time per reply is printed too (read from /proc: what a web process holds per core); with
--limits Taza keeps Telegram's limits (TELEGRAM_MAX_PER_SECOND).

    python benchmarks/bench_scale.py --users 50 --messages 40 --postgres postgresql+asyncpg://postgres@127.0.0.1/bench
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.telegram_emulator import TOKEN, TelegramEmulator  # noqa: E402


class CountingEmulator(TelegramEmulator):
    """Answers per chat counted as they are sent (the base class scans its whole history)."""

    def __init__(self) -> None:
        super().__init__()
        self.count: dict[int, int] = defaultdict(int)
        self.arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def _record(self, method: str, params: dict[str, Any], **fields: Any):
        sent = super()._record(method, params, **fields)
        self.count[sent.chat_id] += 1
        self.arrived[sent.chat_id].set()
        return sent


async def chat_load(emu: CountingEmulator, users: int, messages: int, timeout: float = 30.0) -> dict[str, Any]:
    waits: list[float] = []
    errors = 0

    async def person(chat: int) -> None:
        nonlocal errors
        for n in range(messages):
            event = emu.arrived[chat]
            event.clear()
            start = time.perf_counter()
            await emu.user_sends_text(chat, "/help")
            try:
                while emu.count[chat] < n + 1:
                    await asyncio.wait_for(event.wait(), timeout)
                    event.clear()
            except TimeoutError:
                errors += 1
                return
            waits.append(time.perf_counter() - start)

    chats = [1000 + i for i in range(users)]
    started = time.perf_counter()
    await asyncio.gather(*(person(chat) for chat in chats))
    elapsed = time.perf_counter() - started
    await asyncio.sleep(0.5)  # late doubles
    answered = sum(min(emu.count[c], messages) for c in chats)
    doubled = sum(max(0, emu.count[c] - messages) for c in chats)
    waits.sort()
    return {
        "rps": answered / elapsed,
        "p50": statistics.median(waits) * 1000 if waits else float("nan"),
        "p99": waits[int(len(waits) * 0.99) - 1] * 1000 if waits else float("nan"),
        "errors": errors,
        "lost": users * messages - answered,
        "doubled": doubled,
    }


async def run_echo(users: int, messages: int) -> dict[str, Any]:
    from aiogram import Bot, Dispatcher
    from aiogram.client.session.aiohttp import AiohttpSession
    from aiogram.client.telegram import TelegramAPIServer
    from aiogram.types import Message

    emu = CountingEmulator()
    await emu.start()
    bot = Bot(TOKEN, session=AiohttpSession(api=TelegramAPIServer.from_base(emu.url)))
    dp = Dispatcher()

    @dp.message()
    async def echo(message: Message) -> None:
        await message.answer(message.text or "?")

    polling = asyncio.create_task(dp.start_polling(bot, polling_timeout=1, handle_signals=False))
    try:
        return await chat_load(emu, users, messages)
    finally:
        await dp.stop_polling()
        await asyncio.gather(polling, return_exceptions=True)
        await emu.close()


async def run_taza(
    url: str, users: int, messages: int, media: Path, *, limits: bool = False, **settings: Any
) -> dict[str, Any]:
    from bot.app import create_app
    from bot.channels.base import RateLimits
    from bot.channels.telegram import TelegramChannel, run_telegram
    from bot.config import Settings
    from bot.lifecycle import freeze_start_up

    original = TelegramChannel.limits
    if not limits:  # no platform limits, like the emulator and the echo bot
        TelegramChannel.limits = RateLimits()  # type: ignore[misc]

    emu = CountingEmulator()
    await emu.start()
    values = dict(BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emu.url, DATABASE_URL=url, MEDIA_DIR=media, INPUTS_PER_MINUTE=10_000)
    values.update(settings)
    app = await create_app(Settings(_env_file=None, **values))
    freeze_start_up()  # as `python -m bot` does before it serves (bot.lifecycle.run_until_stopped)
    task = asyncio.gather(app.sender.run(), run_telegram(app, polling_timeout=1))
    try:
        return await chat_load(emu, users, messages)
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
        await app.close()
        await emu.close()
        TelegramChannel.limits = original  # type: ignore[misc]


def _run_in_child(name: str, args: tuple, kwargs: dict) -> dict[str, Any]:
    return asyncio.run(globals()[name](*args, **kwargs))


async def fresh(run: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """One set-up in a fresh interpreter of its own: what one run leaves in the process (its
    imports, Taza's `gc.freeze` of its start-up objects, which also speeds up whatever runs after
    it) never favours the next, and the echo bot is measured as a new user would run it."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return await asyncio.get_running_loop().run_in_executor(pool, _run_in_child, run.__name__, args, kwargs)


def no_limits_script(*command: str) -> str:
    """`python -c` text running `python -m bot COMMAND` without Telegram's limits (like the emulator
    and the echo bot)."""
    return f"""
import sys
from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel
from bot.cli import main
TelegramChannel.limits = RateLimits()
sys.exit(main({list(command)!r}))
"""


WEB_SCRIPT = no_limits_script("web")
SECRET = "bench-webhook-secret"


async def run_web_processes(url: str, processes: int, users: int, messages: int, tmp: Path) -> dict[str, Any]:
    """Webhook mode: `processes` separate `python -m bot web` on PostgreSQL; the load posts each
    update to them in turn (as a load balancer would) and waits for the answer at the emulator."""
    import aiohttp

    from bot.telegram_webhook import SECRET_HEADER, webhook_path

    emu = CountingEmulator()
    api = await emu.start()
    ports = [free_port() for _ in range(processes)]
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WEB_SCRIPT], cwd=tmp,
            env={**os.environ, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": api,
                 "TELEGRAM_WEBHOOK_SECRET": SECRET, "DATABASE_URL": url, "MEDIA_DIR": str(tmp / "media"),
                 "WEB_PORT": str(port), "INPUTS_PER_MINUTE": "10000", "TELEGRAM_BOT_USERNAME": "TazaTestBot"},
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    turn = iter(range(10**9))
    async with aiohttp.ClientSession() as http:
        for port in ports:  # until each answers /healthz
            for _ in range(600):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/healthz") as r:
                        if r.status == 200:
                            break
                except aiohttp.ClientError:
                    pass
                await asyncio.sleep(0.1)

        async def deliver(chat: int, text: str) -> None:
            port = ports[next(turn) % len(ports)]
            update = emu.text_update(chat, text)
            async with http.post(f"http://127.0.0.1:{port}{webhook_path(SECRET)}", json=update,
                                 headers={SECRET_HEADER: SECRET}) as r:
                assert r.status == 200, r.status

        emu.user_sends_text = deliver  # type: ignore[method-assign]
        try:
            before = [cpu_seconds(proc.pid) for proc in procs]
            result = await chat_load(emu, users, messages)
            used = sum(cpu_seconds(proc.pid) for proc in procs) - sum(before)
            result["web_cpu_ms"] = used / (users * messages - result["lost"] or 1) * 1000
            return result
        finally:
            for proc in procs:
                proc.terminate()
            for proc in procs:
                await asyncio.to_thread(proc.wait, 60)  # the emulator must keep answering meanwhile
            await emu.close()


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


ECHO_SCRIPT = """
import asyncio, sys
from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
bot = Bot(sys.argv[1], session=AiohttpSession(api=TelegramAPIServer.from_base(sys.argv[2])))
dp = Dispatcher()
@dp.message()
async def echo(m):
    await m.answer(m.text or "?")
asyncio.run(dp.start_polling(bot, polling_timeout=1, handle_signals=False))
"""


async def cold_start(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """Seconds from exec to the first getUpdates, and the RSS (MB) once polling."""
    emu = CountingEmulator()
    url = await emu.start()
    started = time.perf_counter()
    proc = subprocess.Popen(
        [arg.replace("{URL}", url) for arg in command], cwd=cwd, env={**env, "TELEGRAM_API_URL": url},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        while emu.polls == 0 and not any(m == "getupdates" for m, _ in emu.calls):
            if proc.poll() is not None or time.perf_counter() - started > 60:
                raise RuntimeError(f"{command} did not poll")
            await asyncio.sleep(0.01)
        seconds = time.perf_counter() - started
        await asyncio.sleep(1.0)
        rss = rss_mb(proc.pid)
    finally:
        proc.terminate()
        await asyncio.to_thread(proc.wait, 60)  # the emulator must keep answering meanwhile
        await emu.close()
    return seconds, rss


def cpu_seconds(pid: int) -> float:
    """CPU time (user and system) a process has used so far, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def reset_postgres(url: str) -> None:
    from sqlalchemy import text

    from storage.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        await conn.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


def line(name: str, result: dict[str, Any], base: dict[str, Any]) -> str:
    return (
        f"{name:<28} {result['rps']:8.1f} replies/s  {result['rps'] / base['rps']:5.2f}x  "
        f"p50 {result['p50']:7.1f} ms  p99 {result['p99']:7.1f} ms  "
        f"errors {result['errors']}  lost {result['lost']}  doubled {result['doubled']}"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--messages", type=int, default=40)
    parser.add_argument("--postgres", help="an empty PostgreSQL database for the PostgreSQL run")
    parser.add_argument("--limits", action="store_true", help="also run Taza with Telegram's 30/s limit")
    parser.add_argument("--no-cold-start", action="store_true")
    parser.add_argument("--rounds", type=int, default=3, help="echo and Taza on SQLite, taken in turn (the machine's speed drifts)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        print(f"{args.users} users x {args.messages} messages each, closed loop, one process")
        ratios = []
        for round_ in range(args.rounds):
            echo = await fresh(run_echo, args.users, args.messages)
            print(line("aiogram echo bot", echo, echo))
            db = f"sqlite+aiosqlite:///{tmp_path}/taza{round_}.db"
            sqlite = await fresh(run_taza, db, args.users, args.messages, tmp_path / f"m1-{round_}")
            print(line("Taza, SQLite", sqlite, echo))
            ratios.append(sqlite["rps"] / echo["rps"])
        if args.rounds > 1:
            print(f"Taza, SQLite against the echo bot over {args.rounds} rounds: median {statistics.median(ratios):.2f}x "
                  f"(from {min(ratios):.2f}x to {max(ratios):.2f}x)")
        if args.postgres:
            await reset_postgres(args.postgres)
            pg = await fresh(run_taza, args.postgres, args.users, args.messages, tmp_path / "m2")
            print(line("Taza, PostgreSQL", pg, echo))
        if args.postgres:
            for processes in (1, 2):
                await reset_postgres(args.postgres)
                from storage.db import migrate

                await migrate(args.postgres)
                web = await run_web_processes(args.postgres, processes, args.users, args.messages, tmp_path)
                print(line(f"Taza, PostgreSQL, {processes} web process{'es' if processes > 1 else ''}", web, echo))
                print(f"{'':<28} web processes' CPU: {web['web_cpu_ms']:.2f} ms a reply "
                      f"({1000 / web['web_cpu_ms']:.0f} replies per CPU-second)")
        if args.limits:
            limited = await fresh(
                run_taza,
                f"sqlite+aiosqlite:///{tmp_path}/limited.db", args.users, args.messages, tmp_path / "m3",
                limits=True, TELEGRAM_MAX_PER_SECOND=30,
            )
            print(line("Taza, SQLite, 30/s limit", limited, echo))

        if not args.no_cold_start:
            env = {**os.environ, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN,
                   "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cold.db", "MEDIA_DIR": str(tmp_path / "m4")}
            echo_start = await cold_start([sys.executable, "-c", ECHO_SCRIPT, TOKEN, "{URL}"], env, tmp_path)
            taza_start = await cold_start([sys.executable, "-m", "bot"], env, tmp_path)
            taza_again = await cold_start([sys.executable, "-m", "bot"], env, tmp_path)  # migrated already
            print(f"cold start to first poll: echo {echo_start[0]:.2f} s, Taza {taza_again[0]:.2f} s "
                  f"({taza_again[0] / echo_start[0]:.1f}x; first start with migrations {taza_start[0]:.2f} s)")
            print(f"RSS while polling: echo {echo_start[1]:.0f} MB, Taza {taza_again[1]:.0f} MB "
                  f"({taza_again[1] / echo_start[1]:.1f}x)")


if __name__ == "__main__":
    asyncio.run(main())
