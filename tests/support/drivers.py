"""One conversation script, several channels: a driver plays the turns of a script on its channel
through that channel's real adapter. A turn is console syntax: text; a number picks the n-th
option of the latest prompt (a driver with buttons may press the n-th button instead); "/cmd" is a
command; "/photo PATH" and "/location LAT LON" become the channel's own photo and location messages.

Adding a channel to `tests/test_same_script.py` is adding a driver here and a branch in
`driver_for`."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol
from unittest import mock

from sqlalchemy import exists, select

from bot.app import App, create_app
from bot.channels.console import ConsoleChannel
from bot.channels.telegram import TelegramChannel, run_telegram
from bot.config import Settings
from storage.models import InboxUpdate, OutboxMessage, OutboxStatus
from tests.support.telegram_emulator import TOKEN, WAIT, Sent, TelegramEmulator
from tests.support.twilio_standin import TwilioStandIn
from tests.support.whatsapp import WhatsAppServer, WhatsAppUser, start_server

NAME = "ada"  # the person: console user name, WhatsApp profile name, Telegram first name
NUMBER = "+77019876543"
TELEGRAM_ID = 424242  # the Telegram user, and their private chat with the bot


class Driver(Protocol):
    channel: str
    chat_id: str  # also the identity's external id for these channels
    account_label: str  # how "My profile" names the account: 'Console ada', 'WhatsApp +7...'
    app: App

    async def say(self, turn: str) -> None: ...


class ConsoleDriver:
    """The terminal chat's own line parser and channel, as `python -m bot console` uses them."""

    channel = "console"

    def __init__(self, app: App) -> None:
        self.app = app
        self.chat_id = NAME
        self.account_label = f"Console {NAME}"
        self.out = io.StringIO()
        self.console = ConsoleChannel(NAME, self.out)
        app.add_channel(self.console)

    async def say(self, turn: str) -> None:
        incoming = self.console.parse(turn)
        assert incoming is not None and not isinstance(incoming, str), incoming
        await self.app.engine.receive(incoming)
        await self.app.sender.flush()


class WhatsAppDriver:
    """Signed Twilio webhooks to the bot's web server; photos served by the media stand-in;
    replies land at the Twilio REST stand-in."""

    channel = "whatsapp"

    def __init__(self, server: WhatsAppServer) -> None:
        self.server = server
        self.app = server.app
        self.user = WhatsAppUser(server, NUMBER, NAME)
        self.chat_id = NUMBER
        self.account_label = f"WhatsApp {NUMBER}"

    async def say(self, turn: str) -> None:
        if turn.startswith("/photo "):
            path = Path(turn.removeprefix("/photo ").strip())
            await self.user.photo(self.server.twilio.add_media(path.name, path.read_bytes()))
        elif turn.startswith("/location "):
            lat, lon = (float(part) for part in turn.split()[1:3])
            await self.user.location(lat, lon)
        else:
            await self.user.send(turn)


class TelegramDriver:
    """Updates served by the Bot API emulator to the bot's real aiogram polling loop. Like a
    Telegram user, a number presses the n-th button of the latest message that has buttons; any
    other text is typed. The user's client sends no language_code, as WhatsApp and the console
    give no language, so the first contact asks for one on all three."""

    channel = "telegram"

    def __init__(self, app: App, emulator: TelegramEmulator) -> None:
        self.app = app
        self.emulator = emulator
        emulator.names[TELEGRAM_ID] = NAME
        self.chat_id = str(TELEGRAM_ID)
        self.account_label = f"Telegram {TELEGRAM_ID}"

    async def say(self, turn: str) -> None:
        chat = TELEGRAM_ID
        if turn.strip().isdigit():
            message = self._latest_with_buttons()
            _label, data = message.buttons[int(turn) - 1]
            update = await self.emulator.press_data(chat, message, data, language=None)
        elif turn.startswith("/photo "):
            path = Path(turn.removeprefix("/photo ").strip())
            update = await self.emulator.user_sends_photo(chat, path.read_bytes(), language=None)
        elif turn.startswith("/location "):
            lat, lon = (float(part) for part in turn.split()[1:3])
            location = {"latitude": lat, "longitude": lon}
            update = await self.emulator.user_sends(chat, language=None, location=location)
        else:
            update = await self.emulator.user_sends_text(chat, turn, language=None)
        await self._settled(update)

    def _latest_with_buttons(self) -> Sent:
        for message in reversed(self.emulator.messages_to(TELEGRAM_ID)):
            if message.buttons:
                return message
        raise AssertionError("no message with buttons to press")

    async def _settled(self, update: dict[str, Any]) -> None:
        """Until the bot has processed this update and sent everything it wrote because of it (the
        step's outbox rows are committed with the processed marker)."""
        processed = exists().where(
            InboxUpdate.channel == self.channel,
            InboxUpdate.update_key == str(update["update_id"]),
            InboxUpdate.processed_at.is_not(None),
        )
        unsent = exists().where(OutboxMessage.status == OutboxStatus.PENDING)
        deadline = asyncio.get_running_loop().time() + WAIT
        while True:
            async with self.app.sessions() as session:
                if await session.scalar(select(processed & ~unsent)):
                    return
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"the bot did not settle update {update['update_id']}")
            await asyncio.sleep(0.02)


@asynccontextmanager
async def _telegram_bot(app: App) -> AsyncIterator[None]:
    """The outbox sender and the polling loop as tasks of this event loop, as `python -m bot` runs
    them. The per-chat pace of 1 message/s is the outbox's duty in real use; here it would only
    make the script slow."""
    limits = dataclasses.replace(TelegramChannel.limits, per_chat_per_second=100, per_chat_burst=100)
    with mock.patch.object(TelegramChannel, "limits", limits):
        task = asyncio.gather(app.sender.run(), run_telegram(app, polling_timeout=1))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


@asynccontextmanager
async def driver_for(channel: str, database_url: str, workdir: Path, clock) -> AsyncIterator[Driver]:
    """A bot on `database_url` with the channel's real adapter, and a driver for one person."""
    if channel == "console":
        settings = Settings(_env_file=None, DATABASE_URL=database_url, MEDIA_DIR=workdir / "media")
        app = await create_app(settings, run_migrations=False, clock=clock)
        try:
            yield ConsoleDriver(app)
        finally:
            await app.close()
    elif channel == "whatsapp":
        twilio = TwilioStandIn()
        await twilio.start()
        server = await start_server(twilio, database_url, workdir / "media", clock)
        try:
            yield WhatsAppDriver(server)
        finally:
            await server.close()
            await twilio.stop()
    elif channel == "telegram":
        emulator = TelegramEmulator()
        await emulator.start()
        settings = Settings(
            _env_file=None,
            DATABASE_URL=database_url,
            MEDIA_DIR=workdir / "media",
            BOT_TOKEN=TOKEN,
            TELEGRAM_API_URL=emulator.url,
        )
        app = await create_app(settings, run_migrations=False, clock=clock)
        try:
            async with _telegram_bot(app):
                yield TelegramDriver(app, emulator)
        finally:
            await app.close()
            await emulator.close()
    else:
        raise ValueError(f"no driver for {channel}")
