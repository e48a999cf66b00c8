"""E-mail as an outbox channel, so that a letter to a region has the outbox's guarantees: queued
in the transaction that decided it, sent after the commit, marked sent only once the SMTP server
took it (a crash sends it at most twice, never zero times), retried with backoff.

The chat id is the address. The Reply's text is the body, `template_vars["subject"]` the subject,
and `template_vars["attachments"]` the photos to attach (paths in MEDIA_DIR, one a line; else the
Reply's photo). Sent with aiosmtplib, an asynchronous SMTP client, so the event loop goes on."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

import aiosmtplib

from bot.channels.base import RateLimits, SendError, media_file
from bot.config import Settings
from handlers.context import MediaUnavailable
from handlers.types import MediaRef, Reply

NAME = "email"


class EmailChannel:
    name = NAME
    limits = RateLimits(per_second=5, per_chat_per_second=1, per_chat_burst=5)

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.media_dir = Path(settings.MEDIA_DIR).resolve()

    def message(self, address: str, reply: Reply) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.settings.SMTP_FROM
        message["To"] = address
        message["Subject"] = reply.template_vars.get("subject") or "Taza Bot"
        message["Date"] = formatdate(localtime=False)
        message["Message-ID"] = make_msgid(domain=self.settings.SMTP_FROM.rpartition("@")[2] or None)
        message.set_content(reply.text)
        paths = [p for p in reply.template_vars.get("attachments", "").splitlines() if p] or (
            [reply.photo_path] if reply.photo_path else []
        )
        for number, relative in enumerate(paths, start=1):
            path = media_file(self.media_dir, relative)
            if path is not None:
                message.add_attachment(path.read_bytes(), maintype="image", subtype="jpeg", filename=f"photo-{number}.jpg")
        return message

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        settings = self.settings
        try:
            await aiosmtplib.send(
                self.message(chat_id, reply),
                hostname=settings.SMTP_HOST,
                port=settings.SMTP_PORT,
                username=settings.SMTP_USERNAME,
                password=settings.SMTP_PASSWORD,
                start_tls=settings.SMTP_STARTTLS,
                timeout=60,
            )
        except aiosmtplib.SMTPRecipientsRefused as exc:
            raise SendError(f"recipient refused: {exc}", permanent=True) from None
        except (aiosmtplib.SMTPException, OSError) as exc:
            raise SendError(f"SMTP: {type(exc).__name__}: {exc}") from None
        return None

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        raise MediaUnavailable("download_failed")  # nobody writes to the bot by e-mail

    def delivers_to(self, chat_id: str) -> bool:
        return True
