"""A local stand-in for Twilio on 127.0.0.1: the Messages REST endpoint (records what the bot sends,
can answer 429 or 500 on demand) and a media server for what users "send" (Basic auth checked, a
real JPEG made with Pillow). Nothing here reaches the internet."""

from __future__ import annotations

import base64
import io
import itertools
import json
import socket
from dataclasses import dataclass, field

from aiohttp import web
from PIL import Image

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "standin-auth-token-0123456789abcd"
BOT_NUMBER = "whatsapp:+14155238886"


def make_jpeg(width: int = 640, height: int = 480, color: tuple[int, int, int] = (90, 140, 60)) -> bytes:
    image = Image.new("RGB", (width, height), color)
    for x in range(0, width, 16):  # some structure, so that it is not a flat colour
        for y in range(0, height, 16):
            image.putpixel((x, y), (255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


@dataclass
class SentMessage:
    """One message the bot asked Twilio to send (the form fields Twilio's API receives)."""

    sid: str
    from_: str
    to: str
    body: str | None
    media_urls: list[str]
    content_sid: str | None
    content_variables: dict[str, str] | None
    status_callback: str | None


@dataclass
class MediaFile:
    data: bytes
    content_type: str


@dataclass
class TwilioStandIn:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    sent: list[SentMessage] = field(default_factory=list)
    media: dict[str, MediaFile] = field(default_factory=dict)
    media_requests: list[tuple[str, str | None]] = field(default_factory=list)  # (name, auth)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # answers to give first
    refused: list[int] = field(default_factory=list)  # statuses given instead of sending
    base_url: str = ""
    _runner: web.AppRunner | None = None
    _sids: itertools.count = field(default_factory=lambda: itertools.count(1))

    # --- control ----------------------------------------------------------------------------------
    def fail_next(self, status: int, retry_after: float | None = None, code: int | None = None) -> None:
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        self.failures.append((status, {"code": str(code or status), **headers}))

    def add_media(self, name: str, data: bytes, content_type: str = "image/jpeg") -> str:
        self.media[name] = MediaFile(data, content_type)
        return f"{self.base_url}/media/{name}"

    def to(self, number: str) -> list[SentMessage]:
        return [m for m in self.sent if m.to == f"whatsapp:{number}"]

    # --- server -----------------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._messages)
        app.router.add_get("/media/{name}", self._media)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        sock = bound_socket()
        await web.SockSite(self._runner, sock).start()
        self.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    def _authorised(self, request: web.Request) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return request.headers.get("Authorization") == f"Basic {expected}"

    async def _messages(self, request: web.Request) -> web.Response:
        if request.match_info["sid"] != self.account_sid or not self._authorised(request):
            return web.json_response({"code": 20003, "message": "Authenticate", "status": 401}, status=401)
        form = await request.post()
        if self.failures:
            status, headers = self.failures.pop(0)
            self.refused.append(status)
            code = int(headers.pop("code"))
            return web.json_response(
                {"code": code, "message": "stand-in refusal", "status": status}, status=status, headers=headers
            )
        sid = f"SM{next(self._sids):032x}"
        variables = form.get("ContentVariables")
        self.sent.append(
            SentMessage(
                sid=sid,
                from_=str(form.get("From")),
                to=str(form.get("To")),
                body=form.get("Body"),  # type: ignore[arg-type]
                media_urls=[str(v) for v in form.getall("MediaUrl", [])],
                content_sid=form.get("ContentSid"),  # type: ignore[arg-type]
                content_variables=json.loads(str(variables)) if variables else None,
                status_callback=form.get("StatusCallback"),  # type: ignore[arg-type]
            )
        )
        return web.json_response(
            {"sid": sid, "account_sid": self.account_sid, "status": "queued", "to": form.get("To")},
            status=201,
        )

    async def _media(self, request: web.Request) -> web.Response:
        name = request.match_info["name"]
        self.media_requests.append((name, request.headers.get("Authorization")))
        if not self._authorised(request):
            return web.Response(status=401)
        item = self.media.get(name)
        if item is None:
            return web.Response(status=404)
        return web.Response(body=item.data, content_type=item.content_type)


def bound_socket() -> socket.socket:
    """A listening socket on a free port of 127.0.0.1 (known before the server starts)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    return sock
