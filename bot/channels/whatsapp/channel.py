"""The WhatsApp channel adapter for the outbox sender and the engine: `send` and `fetch_media`.

Outside the 24-hour window a message the bot started goes out as its kind's content template
(TWILIO_CONTENT_SIDS) or is held in the outbox (`HoldMessage`) until the user writes again.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlsplit

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from twilio.rest import Client

from bot.channels.base import HoldMessage, RateLimits
from bot.channels.whatsapp import media, rest, window
from bot.channels.whatsapp.inbound import NAME, PREFIX
from bot.channels.whatsapp.render import MAX_CAPTION, reply_text, split_text
from bot.config import ConfigError, Settings
from handlers.context import MediaUnavailable
from handlers.types import FAREWELL, MediaRef, Reply
from storage.base import utcnow

log = logging.getLogger(__name__)

STATUS_ROUTE = "/whatsapp/status"


class WhatsAppChannel:
    name = NAME
    # Twilio's WhatsApp throughput is about 10 messages/s per sender; Twilio queues per recipient.
    limits = RateLimits(per_second=10)

    def __init__(
        self,
        settings: Settings,
        sessions: async_sessionmaker[AsyncSession],
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        if not settings.twilio_enabled:
            raise ConfigError("WhatsApp needs TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_FROM")
        self.settings = settings
        self.sessions = sessions
        self.clock = clock
        sender = settings.TWILIO_WHATSAPP_FROM or ""
        self.from_ = sender if sender.startswith(PREFIX) else PREFIX + sender
        self.content_sids = dict(settings.TWILIO_CONTENT_SIDS)
        self.public_base = settings.PUBLIC_BASE_URL.rstrip("/") if settings.PUBLIC_BASE_URL else None
        token = settings.TWILIO_AUTH_TOKEN or ""
        self.links = media.MediaLinks(
            settings.MEDIA_DIR, token, self.public_base, clock=lambda: self.clock().timestamp()
        )
        self.auth = media.basic_auth(settings.TWILIO_ACCOUNT_SID or "", token)
        self._client: Client | None = None
        self._http: aiohttp.ClientSession | None = None

    # --- life cycle (aiohttp sessions must be made inside the running loop) ---------------------
    @property
    def client(self) -> Client:
        if self._client is None:
            self._client = rest.make_client(
                self.settings.TWILIO_ACCOUNT_SID or "",
                self.settings.TWILIO_AUTH_TOKEN or "",
                self.settings.TWILIO_API_URL,
            )
        return self._client

    async def close(self) -> None:
        if self._client is not None:
            await self._client.http_client.close()
            self._client = None
        if self._http is not None:
            await self._http.close()
            self._http = None

    # --- Channel protocol -------------------------------------------------------------------
    def delivers_to(self, chat_id: str) -> bool:
        return True

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        if not media.allowed_media_url(ref.file_id, self.settings.TWILIO_MEDIA_HOSTS, self.settings.TWILIO_API_URL):
            log.warning("refused to fetch media from %s: not a Twilio media host", urlsplit(ref.file_id).netloc[:100])
            raise MediaUnavailable("download_failed")
        if self._http is None:
            self._http = aiohttp.ClientSession()
        return await media.download_image(self._http, ref, self.auth, limit)

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        to = PREFIX + chat_id
        if reply.kind == FAREWELL:  # answers the message just received; the identity is gone
            return await self._send_free(to, reply)
        last = await window.last_inbound(self.sessions, NAME, chat_id)
        if not window.window_open(last, self.clock()):
            return await self._send_outside_window(to, reply, last)
        return await self._send_free(to, reply)

    # --- sending ----------------------------------------------------------------------------
    async def _send_outside_window(self, to: str, reply: Reply, last: datetime | None) -> str:
        content_sid = self.content_sids.get(reply.kind)
        if content_sid is None:
            raise HoldMessage(
                f"24-hour window closed (last message {last.isoformat() if last else 'never'}) "
                f"and no TWILIO_CONTENT_SIDS entry for kind {reply.kind!r}; waiting for the user"
            )
        log.info("window closed for %s: sending %r as template %s", to, reply.kind, content_sid)
        return await self._create(
            to=to,
            content_sid=content_sid,
            content_variables=json.dumps(reply.template_vars, ensure_ascii=False),
        )

    async def _send_free(self, to: str, reply: Reply) -> str | None:
        """Text (split), with the photo or document as media on the first message."""
        media_url = self._media_url(reply, to.removeprefix(PREFIX))
        pieces = split_text(reply_text(reply))
        first_sid: str | None = None
        if media_url is not None:
            caption = pieces.pop(0) if pieces and len(pieces[0]) <= MAX_CAPTION else None
            first_sid = await self._create(to=to, media_url=[media_url], body=caption)
        for piece in pieces:
            sid = await self._create(to=to, body=piece, part_of=first_sid)
            first_sid = first_sid or sid
        return first_sid

    def _media_url(self, reply: Reply, chat_id: str) -> str | None:
        relative = reply.photo_path
        if reply.document is not None:
            relative = self.links.store_document(reply.document, chat_id)
        if relative is None:
            return None
        url = self.links.url_for(relative)
        if url is None:
            # Twilio could not fetch it: the text still goes, and the reason is in the log.
            log.error(
                "not sending media %s: %s", relative,
                "PUBLIC_BASE_URL is not set" if self.public_base is None else "no such file in MEDIA_DIR",
            )
        return url

    async def _create(self, *, to: str, part_of: str | None = None, **fields: object) -> str:
        """One Twilio message. Its status callback names the outbox row's first message SID
        (`part_of`) when a reply took several messages, so a failure of any part is recorded."""
        if self.public_base is not None:
            query = f"?message={part_of}" if part_of else ""
            fields["status_callback"] = f"{self.public_base}{STATUS_ROUTE}{query}"
        fields = {k: v for k, v in fields.items() if v is not None}
        return await rest.create_message(self.client, to=to, from_=self.from_, **fields)
