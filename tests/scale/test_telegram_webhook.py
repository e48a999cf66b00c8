"""Webhook mode: Telegram posts updates to `python -m bot web` at a secret path. A right secret:
the update is in the inbox before the 200 and the user gets the answer; a wrong or missing one:
401 and nothing stored; a redelivered update is applied once. `python -m bot webhook` registers,
shows and removes the webhook on the Bot API (here the emulator)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import func, select

from bot.app import create_app
from bot.cli import main
from bot.config import Settings
from bot.telegram_webhook import SECRET_HEADER, webhook_path
from bot.web import create_web_app
from storage.models import InboxUpdate
from tests.support.telegram_emulator import TOKEN, TelegramEmulator
from tests.support.twilio_standin import bound_socket

SECRET = "cleanup-day_2026-webhook-secret"
CHAT = 4242


@pytest.fixture
async def emulator():
    emu = TelegramEmulator()
    await emu.start()
    yield emu
    await emu.close()


@pytest.fixture
async def server(database_url: str, tmp_path: Path, emulator: TelegramEmulator):
    settings = Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        MEDIA_DIR=tmp_path / "media",
        BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.url,
        TELEGRAM_WEBHOOK_SECRET=SECRET,
    )
    app = await create_app(settings, run_migrations=False)
    sock = bound_socket()
    runner = web.AppRunner(create_web_app(app), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    sending = asyncio.create_task(app.sender.run())
    async with aiohttp.ClientSession(f"http://127.0.0.1:{sock.getsockname()[1]}") as client:
        yield app, client
    sending.cancel()
    await runner.cleanup()
    await app.close()


async def inbox_rows(app) -> int:
    async with app.sessions() as session:
        return await session.scalar(select(func.count()).select_from(InboxUpdate)) or 0


async def post(client, update, secret: str | None = SECRET, path: str = webhook_path(SECRET)):
    headers = {SECRET_HEADER: secret} if secret is not None else {}
    async with client.post(path, json=update, headers=headers) as response:
        return response.status, await response.json()


async def test_an_update_with_the_right_secret_is_stored_then_answered(server, emulator) -> None:
    app, client = server
    update = emulator.text_update(CHAT, "/help")
    status, _ = await post(client, update)
    assert status == 200
    assert await inbox_rows(app) == 1  # stored before Telegram heard 200
    replies = await emulator.wait_messages(CHAT, 1)
    assert replies[0].body  # the step ran and its reply went out through the outbox


@pytest.mark.parametrize("secret", ["wrong-secret", None], ids=["wrong", "missing"])
async def test_a_wrong_or_missing_secret_is_refused_and_nothing_stored(server, emulator, secret) -> None:
    app, client = server
    status, body = await post(client, emulator.text_update(CHAT, "/help"), secret=secret)
    assert (status, body) == (401, {"error": "unauthorized"})
    await asyncio.sleep(0.1)
    assert await inbox_rows(app) == 0
    assert emulator.messages_to(CHAT) == []


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"[]", b'{"message": {"text": "no update_id"}}', b'{"update_id": "x' + "ә".encode() * 10 + b'"}'],
    ids=["broken", "a-list", "no-update-id", "a-wrong-type"],
)
async def test_a_body_that_is_no_update_is_refused_and_nothing_stored(server, emulator, body) -> None:
    app, client = server
    async with client.post(webhook_path(SECRET), data=body, headers={SECRET_HEADER: SECRET}) as response:
        assert (response.status, await response.json()) == (400, {"error": "bad request"})
    assert await inbox_rows(app) == 0
    status, _ = await post(client, emulator.text_update(CHAT, "/help"))  # and the next one is served
    assert status == 200 and await emulator.wait_messages(CHAT, 1)


async def test_the_secret_is_not_the_path(server, emulator) -> None:
    _app, client = server
    status, _ = await post(client, emulator.text_update(CHAT, "/help"), path=f"/telegram/{SECRET}")
    assert status == 404


async def test_a_redelivered_update_is_applied_once(server, emulator) -> None:
    app, client = server
    update = emulator.text_update(CHAT, "/start")
    assert (await post(client, update))[0] == 200
    first = await emulator.wait_messages(CHAT, 1)
    await asyncio.sleep(0.3)  # every reply of the step is out
    count = len(emulator.messages_to(CHAT))
    assert (await post(client, update))[0] == 200  # Telegram did not hear the first 200
    follow_up = emulator.text_update(CHAT, "/help")
    assert (await post(client, follow_up))[0] == 200
    await emulator.wait_messages(CHAT, count + 1)
    await asyncio.sleep(0.3)
    assert len(emulator.messages_to(CHAT)) == count + 1, "the redelivered /start was not answered again"
    assert first[0].body == emulator.messages_to(CHAT)[0].body
    assert await inbox_rows(app) == 2


async def test_the_webhook_command_sets_shows_and_deletes(emulator, monkeypatch, capsys, tmp_path) -> None:
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": emulator.url,
        "TELEGRAM_WEBHOOK_SECRET": SECRET,
        "PUBLIC_BASE_URL": "https://bot.example.kz/",
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/unused.db",
    }.items():
        monkeypatch.setenv(key, value)
    await asyncio.to_thread(main, ["webhook", "set"])
    assert emulator.webhook["url"] == "https://bot.example.kz" + webhook_path(SECRET)
    assert emulator.webhook["secret_token"] == SECRET
    assert emulator.webhook["allowed_updates"] == ["message", "callback_query", "poll_answer"]
    await asyncio.to_thread(main, ["webhook", "info"])
    out = capsys.readouterr().out
    assert "https://bot.example.kz/telegram/<secret path> (this bot's)" in out
    assert SECRET not in out and webhook_path(SECRET) not in out
    await asyncio.to_thread(main, ["webhook", "delete"])
    assert emulator.webhook == {}
    await asyncio.to_thread(main, ["webhook", "info"])
    assert "(none: the bot polls)" in capsys.readouterr().out
