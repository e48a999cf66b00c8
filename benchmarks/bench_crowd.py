"""A cleanup-day crowd against the bot as it runs (`python -m bot`: SQLite, the real aiogram polling
loop, its own process) and against a bare aiogram echo bot (its own process too), both on the Bot
API emulator (tests/support/telegram_emulator.py, 127.0.0.1, no platform limits). The emulator and
the simulated people run in this process.

1. The report flow: USERS people at once each send /start, press English, ✅, 📸, send a photo
   (no two alike), share a location (100 m apart: no duplicates), press «bag», type «1» and press
   «Send the report», each waiting for the answer the next input needs. Printed: the step latency
   (input to that answer) p50/p99, errors (an answer that did not come within --timeout), the
   reports lost or doubled (counted in the bot's database) and the «thank you» answers doubled.
   The echo bot gets the same number of inputs from the same crowd, each waiting for its echo.
2. Memory: a fresh process of each, MANY people (in waves of --wave at once) each send /start and
   wait for the first answer; then the resident memory of the process.

    python benchmarks/bench_crowd.py --users 1000 --many 10000
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support import images  # noqa: E402
from tests.support.telegram_emulator import TOKEN, Sent, TelegramEmulator  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_scale import ECHO_SCRIPT, free_port, no_limits_script, rss_mb  # noqa: E402

ASTANA = (51.1282, 71.4306)
STEPS = ["/start", "English", "✅", "📸", "photo", "location", "bag", "1", "Send the report"]
BY_STEP: dict[int, list[float]] = defaultdict(list)  # the latest run's waits, by the input's place

TAZA_SCRIPT = no_limits_script()  # `python -m bot`: polling with BOT_TOKEN


class ChatEmulator(TelegramEmulator):
    """Keeps the bot's messages per chat and wakes that chat's waiter (the base class scans its
    whole history, which a crowd makes slow)."""

    def __init__(self) -> None:
        super().__init__()
        self.by_chat: dict[int, list[Sent]] = defaultdict(list)
        self.arrived: dict[int, asyncio.Event] = defaultdict(asyncio.Event)

    def _record(self, method: str, params: dict[str, Any], **fields: Any) -> Sent:
        sent = super()._record(method, params, **fields)
        self.by_chat[sent.chat_id].append(sent)
        self.arrived[sent.chat_id].set()
        return sent

    def messages_to(self, chat: int) -> list[Sent]:
        return self.by_chat[chat]


class Person:
    """One person in one private chat; acts only on answers that came after its last input."""

    def __init__(self, emu: ChatEmulator, chat: int, timeout: float, waits: list[float]) -> None:
        self.emu, self.chat, self.timeout, self.waits = emu, chat, timeout, waits
        self.seen = 0
        self.step = 0

    async def act(self, send: Callable[[], Any], answered: Callable[[Sent], bool]) -> Sent:
        """Send one input and wait for the newest answer that `answered` accepts."""
        event = self.emu.arrived[self.chat]
        started = time.perf_counter()
        await send()
        deadline = started + self.timeout
        while True:
            messages = self.emu.by_chat[self.chat]
            found = next((m for m in reversed(messages[self.seen :]) if answered(m)), None)
            if found is not None:
                self.waits.append(time.perf_counter() - started)
                BY_STEP[self.step].append(self.waits[-1])
                self.step += 1
                self.seen = len(messages)
                return found
            event.clear()
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"chat {self.chat}: no answer within {self.timeout:.0f} s")
            try:
                await asyncio.wait_for(event.wait(), remaining)
            except TimeoutError:
                pass

    async def press(self, message: Sent, label: str, then: Callable[[Sent], bool]) -> Sent:
        return await self.act(lambda: self.emu.user_presses(self.chat, message, label), then)


def has_button(label: str) -> Callable[[Sent], bool]:
    return lambda m: any(label.casefold() in text.casefold() for text in m.labels())


async def reporter(emu: ChatEmulator, n: int, photo: bytes, timeout: float, waits: list[float]) -> None:
    chat = 10_000 + n
    me = Person(emu, chat, timeout, waits)
    greeting = await me.act(lambda: emu.user_sends_text(chat, "/start"), has_button("English"))
    consent = await me.press(greeting, "English", has_button("✅"))
    menu = await me.press(consent, "✅", has_button("📸"))
    await me.press(menu, "📸", has_button("Menu"))
    await me.act(lambda: emu.user_sends_photo(chat, photo), has_button("choose the region"))
    place = {"latitude": ASTANA[0] + (n // 40) * 0.001, "longitude": ASTANA[1] + (n % 40) * 0.0015}
    sizes = await me.act(lambda: emu.user_sends(chat, location=place), has_button("bag"))
    await me.press(sizes, "bag", has_button("✅ Fits in a bag"))
    summary = await me.act(lambda: emu.user_sends_text(chat, "1"), has_button("Send the report"))
    await me.press(summary, "Send the report", lambda m: "TZ-" in m.body)


async def echo_talker(emu: ChatEmulator, n: int, timeout: float, waits: list[float]) -> None:
    chat = 10_000 + n
    me = Person(emu, chat, timeout, waits)
    for step, text in enumerate(STEPS):
        await me.act(lambda text=text: emu.user_sends_text(chat, text), lambda m, s=step: len(emu.by_chat[chat]) > s)


async def first_message(emu: ChatEmulator, n: int, timeout: float, waits: list[float]) -> None:
    chat = 100_000 + n
    await Person(emu, chat, timeout, waits).act(lambda: emu.user_sends_text(chat, "/start"), lambda m: True)


class BotProcess:
    """`python -c SCRIPT` against the emulator, until the first getUpdates."""

    def __init__(self, emu: ChatEmulator, script: str, env: dict[str, str], cwd: Path, *args: str) -> None:
        self.emu, self.script, self.env, self.cwd, self.args = emu, script, env, cwd, args
        self.proc: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", self.script, *self.args], cwd=self.cwd, env=self.env,
            stdout=subprocess.DEVNULL, stderr=open(self.cwd / "stderr.log", "ab"),
        )
        started = time.perf_counter()
        while self.emu.polls == 0:
            if self.proc.poll() is not None or time.perf_counter() - started > 120:
                raise RuntimeError(f"the bot did not poll; see {self.cwd / 'stderr.log'}")
            await asyncio.sleep(0.05)

    def rss_mb(self) -> float:
        assert self.proc is not None
        return rss_mb(self.proc.pid)

    async def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            await asyncio.to_thread(self.proc.wait, 60)  # the emulator must keep answering meanwhile


def taza_env(emu_url: str, tmp: Path, name: str) -> dict[str, str]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("TWILIO_", "DATABASE_URL", "BOT_TOKEN"))}
    return {**keep, "PYTHONPATH": str(ROOT), "BOT_TOKEN": TOKEN, "TELEGRAM_API_URL": emu_url,
            "DATABASE_URL": f"sqlite+aiosqlite:///{tmp / name}.db", "MEDIA_DIR": str(tmp / f"{name}-media"),
            "INPUTS_PER_MINUTE": "10000", "WEB_HOST": "127.0.0.1",
            "WEB_PORT": str(free_port())}  # the web server (healthz, Open311) runs beside the bot


async def in_waves(people: list[Callable[[], Any]], wave: int) -> list[Any]:
    results: list[Any] = []
    for start in range(0, len(people), wave):
        results += await asyncio.gather(*(p() for p in people[start : start + wave]), return_exceptions=True)
    return results


def summary(name: str, waits: list[float], results: list[Any], elapsed: float) -> dict[str, Any]:
    waits = sorted(waits)
    errors = [r for r in results if isinstance(r, BaseException)]
    return {
        "name": name, "steps": len(waits), "elapsed": elapsed, "errors": errors,
        "p50": statistics.median(waits) * 1000 if waits else float("nan"),
        "p99": waits[max(0, int(len(waits) * 0.99) - 1)] * 1000 if waits else float("nan"),
    }


def line(result: dict[str, Any], base: dict[str, Any] | None = None) -> str:
    ratio = f"  p50 {result['p50'] / base['p50']:5.1f}x, p99 {result['p99'] / base['p99']:5.1f}x the echo bot's" if base else ""
    return (f"{result['name']:<22} {result['steps']:6d} steps in {result['elapsed']:6.1f} s  "
            f"p50 {result['p50']:7.0f} ms  p99 {result['p99']:7.0f} ms  errors {len(result['errors'])}{ratio}")


def count_reports(db: Path) -> tuple[int, int]:
    """(reports, people with more than one report) in the bot's database."""
    with sqlite3.connect(db) as conn:
        total = conn.execute("SELECT count(*) FROM reports").fetchone()[0]
        doubled = conn.execute(
            "SELECT count(*) FROM (SELECT reporter_id FROM reports GROUP BY reporter_id HAVING count(*) > 1)"
        ).fetchone()[0]
    return total, doubled


async def report_flow(users: int, timeout: float, tmp: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    photos = [images.jpeg(n + 1, size=(1024, 768)) for n in range(users)]

    emu = ChatEmulator()
    url = await emu.start()
    echo = BotProcess(emu, ECHO_SCRIPT, {**os.environ, "PYTHONPATH": str(ROOT)}, tmp, TOKEN, url)
    await echo.start()
    waits: list[float] = []
    started = time.perf_counter()
    results = await asyncio.gather(*(echo_talker(emu, n, timeout, waits) for n in range(users)), return_exceptions=True)
    base = summary("aiogram echo bot", waits, results, time.perf_counter() - started)
    await echo.stop()
    await emu.close()

    emu = ChatEmulator()
    url = await emu.start()
    env = taza_env(url, tmp, "crowd")
    taza = BotProcess(emu, TAZA_SCRIPT, env, tmp)
    await taza.start()
    BY_STEP.clear()
    waits = []
    started = time.perf_counter()
    results = await asyncio.gather(
        *(reporter(emu, n, photos[n], timeout, waits) for n in range(users)), return_exceptions=True
    )
    result = summary("Taza, SQLite", waits, results, time.perf_counter() - started)
    result["by_step"] = {
        STEPS[step]: (statistics.median(w) * 1000, sorted(w)[max(0, int(len(w) * 0.99) - 1)] * 1000)
        for step, w in sorted(BY_STEP.items())
    }
    await asyncio.sleep(2.0)  # late doubles
    result["thanks_doubled"] = sum(
        max(0, sum("TZ-" in m.body for m in emu.by_chat[10_000 + n]) - 1) for n in range(users)
    )
    result["rss"] = taza.rss_mb()
    await taza.stop()
    await emu.close()
    result["reports"], result["people_doubled"] = count_reports(tmp / "crowd.db")
    return base, result


async def memory(many: int, wave: int, timeout: float, tmp: Path) -> tuple[float, float, dict[str, Any], dict[str, Any]]:
    rss = []
    runs = []
    for name, script, args in (("aiogram echo bot", ECHO_SCRIPT, True), ("Taza, SQLite", TAZA_SCRIPT, False)):
        emu = ChatEmulator()
        url = await emu.start()
        env = {**os.environ, "PYTHONPATH": str(ROOT)} if args else taza_env(url, tmp, "many")
        process = BotProcess(emu, script, env, tmp, *((TOKEN, url) if args else ()))
        await process.start()
        waits: list[float] = []
        started = time.perf_counter()
        people = [lambda n=n: first_message(emu, n, timeout, waits) for n in range(many)]
        results = await in_waves(people, wave)
        runs.append(summary(name, waits, results, time.perf_counter() - started))
        await asyncio.sleep(1.0)
        rss.append(process.rss_mb())
        await process.stop()
        await emu.close()
    return rss[0], rss[1], runs[0], runs[1]


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=1000, help="people through the report flow at once")
    parser.add_argument("--many", type=int, default=10_000, help="people whose first message is answered")
    parser.add_argument("--wave", type=int, default=500, help="of --many, how many write at once")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds an answer may take")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        if args.users:
            print(f"The report flow: {args.users} people at once, {len(STEPS)} inputs each; "
                  "the echo bot gets as many inputs")
            base, taza = await report_flow(args.users, args.timeout, tmp_path)
            print(line(base))
            print(line(taza, base))
            lost = args.users - len(taza["errors"]) - taza["reports"]
            print(f"reports {taza['reports']} of {args.users} (lost {max(0, lost)}, people with two "
                  f"{taza['people_doubled']}), «thank you» doubled {taza['thanks_doubled']}, "
                  f"RSS after the crowd {taza['rss']:.0f} MB")
            print("by input, p50/p99 ms: " + ", ".join(
                f"{name} {p50:.0f}/{p99:.0f}" for name, (p50, p99) in taza["by_step"].items()))
            if taza["errors"]:
                print("first error:", repr(taza["errors"][0])[:300])
        if args.many:
            echo_rss, taza_rss, echo_run, taza_run = await memory(args.many, args.wave, args.timeout, tmp_path)
            print(f"\nMemory: {args.many} people each send /start ({args.wave} at once) in a fresh process")
            print(line(echo_run))
            print(line(taza_run, echo_run))
            print(f"RSS after {args.many} people: echo {echo_rss:.0f} MB, Taza {taza_rss:.0f} MB "
                  f"({taza_rss / echo_rss:.1f}x)")


if __name__ == "__main__":
    asyncio.run(main())
