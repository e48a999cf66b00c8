"""The HTTP side of the WhatsApp channel, on the bot's aiohttp web server.

- `POST /whatsapp`: Twilio's incoming-message webhook. Signed requests only; the update is stored
  in the inbox before the 200 (Twilio stops retrying once it has it), then processed in order per
  chat. A repeated MessageSid is stored once and applied once.
- `POST /whatsapp/status`: Twilio's message status callback; delivery failures are recorded on the
  outbox row (found by the message SID the send returned).
- `GET /whatsapp/media/{signature}/{path}`: files of MEDIA_DIR that we send as media.
"""

from __future__ import annotations

import logging
import mimetypes

from aiohttp import web
from sqlalchemy import or_, update
from twilio.request_validator import RequestValidator

from bot.app import App
from bot.channels.whatsapp import window
from bot.channels.whatsapp.channel import STATUS_ROUTE, WhatsAppChannel
from bot.channels.whatsapp.inbound import NAME, InvalidUpdate, parse_incoming
from bot.channels.whatsapp.media import MEDIA_ROUTE
from bot.inbox import ChatQueues
from bot.web_keys import SIGNED_PATHS
from handlers.context import Ctx
from storage.models import OutboxMessage, OutboxStatus

log = logging.getLogger(__name__)

WEBHOOK_ROUTE = "/whatsapp"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>'
OUTSIDE_WINDOW = "63016"  # "outside the allowed window": wait for the user's next message
FAILED_STATUSES = {"failed", "undelivered"}


class WhatsAppWebhook:
    def __init__(self, app: App, channel: WhatsAppChannel) -> None:
        self.app = app
        self.channel = channel
        self.validator = RequestValidator(app.settings.TWILIO_AUTH_TOKEN or "")
        self.public_base = channel.public_base
        self.queues = ChatQueues(app.engine.process)

    # --- signature ----------------------------------------------------------------------------
    def _signed(self, request: web.Request, form: dict[str, str]) -> bool:
        """Twilio signs the URL it called: ours behind the proxy is PUBLIC_BASE_URL + path."""
        signature = request.headers.get("X-Twilio-Signature")
        if not signature:
            return False
        base = self.public_base or f"{request.scheme}://{request.host}"
        return self.validator.validate(base + request.path_qs, form, signature)

    async def _signed_form(self, request: web.Request) -> dict[str, str]:
        try:
            form = await request.post()
        except (UnicodeDecodeError, LookupError, ValueError):  # not UTF-8, charset=nope, ...
            raise web.HTTPBadRequest(text="malformed form") from None
        fields = {k: v for k, v in form.items() if isinstance(v, str)}
        if len(fields) != len(form) or not self._signed(request, fields):
            log.warning("refused unsigned or wrongly signed request to %s from %s", request.path, request.remote)
            raise web.HTTPForbidden(text="invalid signature")
        # A NUL character can be neither stored in PostgreSQL's text nor JSONB: it would be a 500
        # (and Twilio retrying the same message for ever).
        return {k: v.replace("\x00", "") for k, v in fields.items()}

    # --- incoming messages --------------------------------------------------------------------
    async def incoming(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        try:
            incoming = parse_incoming(form)
        except InvalidUpdate as exc:
            log.warning("ignored a signed webhook that is no WhatsApp message: %s", exc)
            raise web.HTTPBadRequest(text=str(exc)) from None
        await self.app.engine.store([incoming])  # durable before Twilio hears 200
        self.queues.submit(incoming)
        return web.Response(text=EMPTY_TWIML, content_type="application/xml")

    async def resume(self) -> None:
        """At start-up: process what was stored but not processed, send what may go out now."""
        for incoming in await self.app.engine.pending(NAME):
            self.queues.submit(incoming)
        if await window.release_held(self.app.sessions, NAME, self.app.engine.clock()):
            self.app.sender.wake()

    # --- delivery status ------------------------------------------------------------------------
    async def status(self, request: web.Request) -> web.Response:
        form = await self._signed_form(request)
        status = form.get("MessageStatus") or form.get("SmsStatus") or ""
        if status not in FAILED_STATUSES:
            return web.Response(status=204)
        sid = form.get("MessageSid") or ""
        first = request.query.get("message")  # the outbox row's first SID for a later part
        code = form.get("ErrorCode") or "?"
        reason = f"twilio {status} {code}: {form.get('ErrorMessage') or ''}".strip()[:500]
        new_status = OutboxStatus.WAITING if code == OUTSIDE_WINDOW else OutboxStatus.FAILED
        async with self.app.sessions() as session, session.begin():
            result = await session.execute(
                update(OutboxMessage)
                .where(
                    OutboxMessage.channel == NAME,
                    or_(OutboxMessage.external_id == sid, OutboxMessage.external_id == (first or sid)),
                )
                .values(status=new_status, last_error=reason)
            )
        if result.rowcount:
            log.warning("WhatsApp message %s %s (%s): outbox row now %s", sid, status, code, new_status)
        else:
            log.warning("WhatsApp message %s %s (%s) matches no outbox row", sid, status, code)
        return web.Response(status=204)

    # --- outgoing media ----------------------------------------------------------------------
    async def media(self, request: web.Request) -> web.StreamResponse:
        relative = request.match_info["path"]
        path = self.channel.links.resolve(relative, request.match_info["signature"])
        if path is None:
            raise web.HTTPNotFound()
        if not self.channel.links.is_document(relative):
            return web.FileResponse(path)
        # A document (a /mydata copy) is served once: Twilio fetched it, it leaves the disk.
        try:
            data = path.read_bytes()
            path.unlink()
            path.parent.rmdir()
        except OSError:  # fetched twice at once: the other request has it
            raise web.HTTPNotFound() from None
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return web.Response(body=data, content_type=content_type)

    async def erase_documents(self, ctx: Ctx) -> None:
        """/forget (an eraser of the router): documents still waiting for Twilio go."""
        for identity in ctx.user.identities:
            if identity.channel == NAME:
                self.channel.links.discard_chat(identity.chat_id)


WHATSAPP_KEY = web.AppKey("whatsapp", WhatsAppWebhook)


def setup_whatsapp(web_app: web.Application, app: App) -> None:
    """Add the WhatsApp channel to the app and its routes to the web server."""
    channel = WhatsAppChannel(app.settings, app.sessions, clock=app.engine.clock)
    app.add_channel(channel)
    hook = web_app[WHATSAPP_KEY] = WhatsAppWebhook(app, channel)
    app.engine.router.erasers.append(hook.erase_documents)
    web_app.router.add_post(WEBHOOK_ROUTE, hook.incoming)
    web_app.router.add_post(STATUS_ROUTE, hook.status)
    web_app[SIGNED_PATHS].update({WEBHOOK_ROUTE, STATUS_ROUTE})
    web_app.router.add_get(MEDIA_ROUTE + "/{signature}/{path:.+}", hook.media)

    async def on_startup(_: web.Application) -> None:
        await hook.resume()

    async def on_cleanup(_: web.Application) -> None:
        await hook.queues.join()
        await channel.close()

    web_app.on_startup.append(on_startup)
    web_app.on_cleanup.append(on_cleanup)
