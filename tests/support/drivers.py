"""One conversation script, several channels: a driver plays the turns of a script on its channel
through that channel's real adapter. A turn is text; a number picks the n-th option of the latest
prompt (a driver with buttons may press the n-th button instead); "/cmd" is a command.

Adding a channel to `tests/test_same_script.py` is adding a driver here (Telegram: a driver that
talks to the Bot API emulator) and its name to the test's parameters."""

from __future__ import annotations

import io
from typing import Protocol

from bot.app import App
from bot.channels.console import ConsoleChannel
from tests.support.whatsapp import WhatsAppServer, WhatsAppUser


class Driver(Protocol):
    channel: str
    chat_id: str  # also the identity's external id for these channels
    account_label: str  # how "My profile" names the account: 'Console ada', 'WhatsApp +7...'

    async def say(self, turn: str) -> None: ...


class ConsoleDriver:
    """The terminal chat's own line parser and channel, as `python -m bot console` uses them."""

    channel = "console"

    def __init__(self, app: App, name: str) -> None:
        self.app = app
        self.chat_id = name
        self.account_label = f"Console {name}"
        self.out = io.StringIO()
        self.console = ConsoleChannel(name, self.out)
        app.add_channel(self.console)

    async def say(self, turn: str) -> None:
        incoming = self.console.parse(turn)
        assert incoming is not None and not isinstance(incoming, str), incoming
        await self.app.engine.receive(incoming)
        await self.app.sender.flush()


class WhatsAppDriver:
    """Signed Twilio webhooks to the bot's web server; replies land at the Twilio stand-in."""

    channel = "whatsapp"

    def __init__(self, server: WhatsAppServer, number: str, profile_name: str) -> None:
        self.user = WhatsAppUser(server, number, profile_name)
        self.chat_id = number
        self.account_label = f"WhatsApp {number}"

    async def say(self, turn: str) -> None:
        await self.user.send(turn)
