"""End-to-end fixtures: the Bot API emulator, the bot running in this process with the real
aiogram polling loop, the bot as a separate `python -m bot` process, and database helpers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sys
import io
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
from PIL import Image
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.app import App, create_app
from bot.channels.telegram import run_telegram
from bot.config import Settings
from storage.db import create_engine, session_factory
from storage.models import OutboxMessage, OutboxStatus
from tests.support.twilio_standin import bound_socket
from tests.support.processes import ChildProcess
from tests.support.telegram_emulator import TOKEN, WAIT, TelegramEmulator

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    emu = TelegramEmulator()
    await emu.start()
    yield emu
    await emu.close()


@pytest.fixture
def tg_settings(database_url: str, tmp_path: Path, emulator: TelegramEmulator) -> Settings:
    return Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        MEDIA_DIR=tmp_path / "media",
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.url,
    )


class InProcessBot:
    """The bot's Telegram part and outbox sender, run as tasks of the test's event loop."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.app: App | None = None
        self.task: asyncio.Future[Any] | None = None

    async def start(self, *, retries: int = 3) -> App:
        self.app = await create_app(self.settings, run_migrations=False)
        self.task = asyncio.gather(self.app.sender.run(), run_telegram(self.app, polling_timeout=1, retries=retries))
        return self.app

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self.task
            self.task = None
        if self.app is not None:
            await self.app.close()
            self.app = None


@pytest.fixture
async def bot(tg_settings: Settings) -> AsyncIterator[InProcessBot]:
    running = InProcessBot(tg_settings)
    yield running
    await running.stop()


def _free_port() -> int:
    sock = bound_socket()
    port = sock.getsockname()[1]
    sock.close()
    return port


class BotProcess(ChildProcess):
    """`python -m bot` with BOT_TOKEN set, as a real separate process that a test may SIGKILL."""

    def __init__(self, settings: Settings, workdir: Path) -> None:
        self.env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": str(settings.TELEGRAM_API_URL),
            "DATABASE_URL": settings.DATABASE_URL,
            "MEDIA_DIR": str(settings.MEDIA_DIR),
            "ADMINS": "",
            "WEB_PORT": str(_free_port()),
        }
        self.workdir = workdir
        self.proc: asyncio.subprocess.Process | None = None
        self.runs = 0

    async def start(self) -> None:
        self.runs += 1
        log = (self.workdir / f"bot-{self.runs}.log").open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "-v", cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-4000:] for p in sorted(self.workdir.glob("bot-*.log")))


@pytest.fixture
async def bot_process(tg_settings: Settings, tmp_path: Path) -> AsyncIterator[BotProcess]:
    workdir = tmp_path / "run"
    workdir.mkdir()
    process = BotProcess(tg_settings, workdir)
    yield process
    await process.stop()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """Sessions on the bot's database, to assert on rows."""
    engine = create_engine(database_url)
    yield session_factory(engine)
    await engine.dispose()


async def eventually(check: Callable[[], Awaitable[T]], timeout: float = WAIT) -> T:
    """Re-run `check` until it returns something truthy (the bot works beside the test)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not (result := await check()):
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {check}")
        await asyncio.sleep(0.05)
    return result


async def all_sent(sessions: async_sessionmaker[AsyncSession], expected: int) -> list[OutboxMessage]:
    """The outbox rows, when there are `expected` of them and all are marked sent."""
    async with sessions() as session:
        rows = (await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    done = len(rows) == expected and all(row.status == OutboxStatus.SENT for row in rows)
    return list(rows) if done else []


@pytest.fixture
def jpeg() -> bytes:
    """A real JPEG photo."""
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), (40, 160, 90)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


async def count(sessions: async_sessionmaker[AsyncSession], model: type, *where: Any) -> int:
    async with sessions() as session:
        return await session.scalar(select(func.count()).select_from(model).where(*where)) or 0
