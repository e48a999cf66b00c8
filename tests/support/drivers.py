"""One conversation script, several channels: a driver plays the turns of a script on its channel
through that channel's real adapter. A turn is console syntax: text; a number picks the n-th
option of the latest prompt (a driver with buttons may press the n-th button instead); "/cmd" is a
command; "/photo PATH" and "/location LAT LON" become the channel's own photo and location messages.

Adding a channel to `tests/test_same_script.py` is adding a driver here (Telegram: one that talks
to the Bot API emulator) and a branch in `driver_for`."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Protocol

from bot.app import App, create_app
from bot.channels.console import ConsoleChannel
from bot.config import Settings
from tests.support.twilio_standin import TwilioStandIn
from tests.support.whatsapp import WhatsAppServer, WhatsAppUser, start_server

NAME = "ada"  # the person: console user name, WhatsApp profile name
NUMBER = "+77019876543"


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
    else:
        raise ValueError(f"no driver for {channel}")
