"""WhatsApp end to end: the bot's real web server on 127.0.0.1, webhooks signed with twilio's own
`RequestValidator.compute_signature`, and replies read from the Twilio stand-in.

`WhatsAppUser` reads like `tests.support.chat.Chat`: `send`, `photo`, `location` return the messages
the bot sent to that number because of it."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from aiohttp import web
from twilio.request_validator import RequestValidator

from bot.app import App, create_app
from bot.channels.whatsapp.webhook import WHATSAPP_KEY, WhatsAppWebhook
from bot.config import Settings
from bot.web import create_web_app
from tests.support.twilio_standin import BOT_NUMBER, SentMessage, TwilioStandIn, bound_socket

_sids = itertools.count(1)


def message_sid() -> str:
    return f"SM{next(_sids):08d}{'f' * 24}"


@dataclass
class WhatsAppServer:
    app: App
    twilio: TwilioStandIn
    base_url: str
    runner: web.AppRunner
    http: aiohttp.ClientSession

    @property
    def hook(self) -> WhatsAppWebhook:
        return self.runner.app[WHATSAPP_KEY]

    def sign(self, path: str, form: Mapping[str, str]) -> str:
        return RequestValidator(self.twilio.auth_token).compute_signature(self.base_url + path, dict(form))

    async def post(
        self, path: str, form: Mapping[str, str], *, signature: str | None | bool = True
    ) -> tuple[int, str]:
        """POST a form as Twilio would: signed (True), unsigned (None) or with a given signature."""
        headers = {}
        if signature is True:
            headers["X-Twilio-Signature"] = self.sign(path, form)
        elif isinstance(signature, str):
            headers["X-Twilio-Signature"] = signature
        async with self.http.post(self.base_url + path, data=dict(form), headers=headers) as response:
            return response.status, await response.text()

    async def settle(self) -> None:
        """Wait until every accepted update is processed and everything due is sent."""
        await self.hook.queues.join()
        await self.app.sender.flush()

    async def close(self) -> None:
        await self.http.close()
        await self.runner.cleanup()
        await self.app.close()


async def start_server(
    twilio: TwilioStandIn, database_url: str, media_dir: Path, clock, **overrides: object
) -> WhatsAppServer:
    sock = bound_socket()
    base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    values: dict[str, object] = {
        "DATABASE_URL": database_url,
        "MEDIA_DIR": media_dir,
        "TWILIO_ACCOUNT_SID": twilio.account_sid,
        "TWILIO_AUTH_TOKEN": twilio.auth_token,
        "TWILIO_WHATSAPP_FROM": BOT_NUMBER.removeprefix("whatsapp:"),
        "TWILIO_API_URL": twilio.base_url,
        "PUBLIC_BASE_URL": base_url,
    }
    values.update(overrides)
    settings = Settings(_env_file=None, **values)  # type: ignore[arg-type]
    app = await create_app(settings, run_migrations=False, clock=clock)
    runner = web.AppRunner(create_web_app(app), access_log=None)
    await runner.setup()
    await web.SockSite(runner, sock).start()
    return WhatsAppServer(app, twilio, base_url, runner, aiohttp.ClientSession())


@dataclass
class WhatsAppUser:
    server: WhatsAppServer
    number: str = "+77011234567"
    profile_name: str = "Aigerim"
    seen: int = field(default=0, init=False)

    @property
    def received(self) -> list[SentMessage]:
        return self.server.twilio.to(self.number)

    @property
    def last(self) -> SentMessage:
        assert self.received, "the bot has not written to this number"
        return self.received[-1]

    def form(self, **fields: str) -> dict[str, str]:
        base = {
            "MessageSid": message_sid(),
            "AccountSid": self.server.twilio.account_sid,
            "From": f"whatsapp:{self.number}",
            "To": BOT_NUMBER,
            "ProfileName": self.profile_name,
            "WaId": self.number.lstrip("+"),
            "NumMedia": "0",
            "Body": "",
        }
        base.update(fields)
        return base

    async def deliver(self, form: Mapping[str, str]) -> list[SentMessage]:
        status, _ = await self.server.post("/whatsapp", form)
        assert status == 200, status
        await self.server.settle()
        return self.new()

    def new(self) -> list[SentMessage]:
        fresh = self.received[self.seen :]
        self.seen = len(self.received)
        return fresh

    async def send(self, text: str) -> list[SentMessage]:
        return await self.deliver(self.form(Body=text))

    async def photo(self, url: str, mime: str = "image/jpeg", caption: str = "") -> list[SentMessage]:
        return await self.deliver(
            self.form(Body=caption, NumMedia="1", MediaUrl0=url, MediaContentType0=mime)
        )

    async def location(
        self, lat: float, lon: float, *, address: str | None = None, label: str | None = None
    ) -> list[SentMessage]:
        fields = {"Latitude": str(lat), "Longitude": str(lon)}
        if address:
            fields["Address"] = address
        if label:
            fields["Label"] = label
        return await self.deliver(self.form(**fields))


def bodies(messages: list[SentMessage]) -> str:
    return "\n".join(m.body or "" for m in messages)
