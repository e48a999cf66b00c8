"""Media both ways.

Out: Twilio fetches the photos and files we send from a URL, so the bot's web server serves files
of MEDIA_DIR under `/whatsapp/media/{expires}-{signature}/{path}`, where the signature is an HMAC
of the expiry time and the path with the auth token: unguessable, refused after `URL_TTL`, and
nothing outside MEDIA_DIR is ever served. Documents (a /mydata copy) are written under a folder
per chat (named by an HMAC of the chat id, not the number), served once and deleted, deleted at
/forget, and deleted after `OUTGOING_TTL_SECONDS` at the latest if Twilio never came for them.
In: the photos users send are fetched from Twilio's MediaUrl with HTTP Basic auth (account SID and
auth token), images only, within the size limit, and only from Twilio's hosts
(`TWILIO_MEDIA_HOSTS`): the credentials never go anywhere else.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import shutil
import time
from collections.abc import Callable, Collection
from pathlib import Path
from urllib.parse import quote, urlsplit

import aiohttp

from bot import logsafe
from bot.channels.base import media_file
from handlers.context import MediaUnavailable
from handlers.types import Document, MediaRef
from storage.files import OUTGOING_DIR, delete_older_than, private_dir, write_private

MEDIA_ROUTE = "/whatsapp/media"
# Twilio fetches media as it accepts the message; a /mydata export must not stay on disk after that.
OUTGOING_TTL_SECONDS = 3600
URL_TTL_SECONDS = 3600  # a media URL is made right before the send; Twilio fetches it at once


class MediaLinks:
    def __init__(
        self,
        media_dir: Path,
        secret: str,
        public_base_url: str | None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.media_dir = media_dir.resolve()
        self.secret = secret.encode("utf-8")
        self.base = public_base_url.rstrip("/") if public_base_url else None
        self.clock = clock

    def _mac(self, text: str) -> str:
        return hmac.new(self.secret, text.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def token(self, relative: str, expires: int) -> str:
        return f"{expires}-{self._mac(f'{expires}:{relative}')}"

    def url_for(self, relative: str) -> str | None:
        """The public URL of a file under MEDIA_DIR, or None when it does not exist or the public
        base URL is unknown (Twilio could not fetch it)."""
        if self.base is None or media_file(self.media_dir, relative) is None:
            return None
        expires = int(self.clock()) + URL_TTL_SECONDS
        return f"{self.base}{MEDIA_ROUTE}/{self.token(relative, expires)}/{quote(relative)}"

    def resolve(self, relative: str, token: str) -> Path | None:
        """The file a media URL names, if its signature is right, it has not expired and it lies
        inside MEDIA_DIR."""
        expires, _, _mac = token.partition("-")
        if not expires.isdigit() or len(expires) > 12 or int(expires) < self.clock():
            return None
        if not hmac.compare_digest(self.token(relative, int(expires)), token):
            return None
        return media_file(self.media_dir, relative)

    @staticmethod
    def is_document(relative: str) -> bool:
        return relative.startswith(OUTGOING_DIR + "/")

    def _chat_folder(self, chat_id: str) -> Path:
        return self.media_dir / OUTGOING_DIR / self._mac(f"chat:{chat_id}")

    def store_document(self, document: Document, chat_id: str) -> str:
        """Write an outgoing document under MEDIA_DIR and return its path there. Documents older
        than OUTGOING_TTL_SECONDS are deleted on the way (they may hold personal data)."""
        delete_older_than(self.media_dir / OUTGOING_DIR, time.time() - OUTGOING_TTL_SECONDS)  # file times are real
        digest = hashlib.sha256(document.data).hexdigest()[:32]
        name = re.sub(r"[^\w.-]+", "_", document.filename).strip("._") or "file"
        folder = private_dir(self._chat_folder(chat_id) / digest)
        write_private(folder / name, document.data)
        return str((folder / name).relative_to(self.media_dir))

    def discard_chat(self, chat_id: str) -> None:
        """/forget: the documents waiting for Twilio for this chat go now."""
        shutil.rmtree(self._chat_folder(chat_id), ignore_errors=True)


def allowed_media_url(url: str, hosts: Collection[str], own_api: str | None) -> bool:
    """True for https URLs on one of `hosts` (`*.twilio.com` allows subdomains), or anything on
    the configured TWILIO_API_URL's host (a local stand-in in tests, a staging proxy)."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if own_api and (urlsplit(own_api).scheme, urlsplit(own_api).netloc) == (parts.scheme, parts.netloc):
        return True
    if parts.scheme != "https" or not host:
        return False
    for allowed in hosts:
        allowed = allowed.lower().strip()
        if allowed.startswith("*.") and host.endswith(allowed[1:]) or host == allowed:
            return True
    return False


def basic_auth(login: str, password: str) -> str:
    """An Authorization header value. aiohttp drops it when Twilio redirects to its media CDN."""
    return "Basic " + logsafe.basic_credentials(login, password)


async def download_image(
    session: aiohttp.ClientSession, ref: MediaRef, authorization: str, limit: int
) -> bytes:
    """The image bytes of an incoming media URL; MediaUnavailable('too_large'|'download_failed').
    The caller has checked the URL's host (`allowed_media_url`)."""
    if ref.mime_type and not ref.mime_type.startswith("image/"):
        raise MediaUnavailable("download_failed")
    try:
        async with session.get(
            ref.file_id,
            headers={"Authorization": authorization},
            timeout=aiohttp.ClientTimeout(total=60),
        ) as response:
            if response.status != 200:
                raise MediaUnavailable("download_failed")
            if not response.content_type.startswith("image/"):
                raise MediaUnavailable("download_failed")
            if response.content_length is not None and response.content_length > limit:
                raise MediaUnavailable("too_large")
            data = bytearray()
            async for chunk in response.content.iter_chunked(64 * 1024):
                data.extend(chunk)
                if len(data) > limit:
                    raise MediaUnavailable("too_large")
            return bytes(data)
    except (aiohttp.ClientError, TimeoutError):
        raise MediaUnavailable("download_failed") from None
