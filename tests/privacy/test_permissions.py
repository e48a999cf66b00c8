"""Issue 17, point 12: the database, its WAL, the media and the exports are readable by the bot's
user only, whatever the process umask."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from bot.app import create_app
from bot.config import Settings
from tests.reports.test_report import report_dump
from tests.support.chat import Chat, CollectingChannel


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def loose_umask():
    previous = os.umask(0o022)  # what most systems give a process: files 0644, folders 0755
    yield
    os.umask(previous)


async def test_database_wal_and_media_are_private(tmp_path: Path, clock, loose_umask) -> None:
    data = tmp_path / "data"
    settings = Settings(
        _env_file=None,
        DATABASE_URL=f"sqlite+aiosqlite:///{data / 'taza.db'}",
        MEDIA_DIR=data / "media",
        INPUTS_PER_MINUTE=10_000,
    )
    app = await create_app(settings, clock=clock)
    app.add_channel(CollectingChannel("console"))
    try:
        chat = Chat(app, "aigerim")
        await chat.onboard()
        await report_dump(chat)
        files = [data / "taza.db", data / "taza.db-wal", data / "taza.db-shm"]
        files += [p for p in (data / "media").rglob("*") if p.is_file()]
        folders = [data, data / "media", *(p for p in (data / "media").rglob("*") if p.is_dir())]
        assert len(files) >= 5  # the database, its WAL and shared memory, a photo and its thumbnail
        assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in files if mode(p) != 0o600} == {}
        assert {str(p.relative_to(tmp_path)): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}
    finally:
        await app.close()
