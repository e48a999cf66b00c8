"""Media both ways.

Out: Twilio fetches the photos and files we send from a URL, so the bot's web server serves files
of MEDIA_DIR under `/whatsapp/media/{signature}/{path}`, where the signature is an HMAC of the path
with the auth token: unguessable, and nothing outside MEDIA_DIR is ever served.
In: the photos users send are fetched from Twilio's MediaUrl with HTTP Basic auth (account SID and
auth token), images only, within the size limit.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from pathlib import Path
from urllib.parse import quote

import aiohttp

from bot import logsafe
from bot.channels.base import media_file
from handlers.context import MediaUnavailable
from handlers.types import Document, MediaRef

MEDIA_ROUTE = "/whatsapp/media"
OUTGOING_DIR = "whatsapp-outgoing"  # documents written under MEDIA_DIR so that Twilio can fetch them
# Twilio fetches media as it accepts the message; a /mydata export must not stay on disk after that.
OUTGOING_TTL_SECONDS = 3600


class MediaLinks:
    def __init__(self, media_dir: Path, secret: str, public_base_url: str | None) -> None:
        self.media_dir = media_dir.resolve()
        self.secret = secret.encode("utf-8")
        self.base = public_base_url.rstrip("/") if public_base_url else None

    def signature(self, relative: str) -> str:
        return hmac.new(self.secret, relative.encode("utf-8"), hashlib.sha256).hexdigest()[:32]

    def url_for(self, relative: str) -> str | None:
        """The public URL of a file under MEDIA_DIR, or None when it does not exist or the public
        base URL is unknown (Twilio could not fetch it)."""
        if self.base is None or media_file(self.media_dir, relative) is None:
            return None
        return f"{self.base}{MEDIA_ROUTE}/{self.signature(relative)}/{quote(relative)}"

    def resolve(self, relative: str, signature: str) -> Path | None:
        """The file a media URL names, if the signature is right and it lies inside MEDIA_DIR."""
        if not hmac.compare_digest(self.signature(relative), signature):
            return None
        return media_file(self.media_dir, relative)

    def store_document(self, document: Document) -> str:
        """Write an outgoing document under MEDIA_DIR (by content hash) and return its path there.
        Documents older than an hour are deleted on the way (they may hold personal data)."""
        self._prune_documents()
        digest = hashlib.sha256(document.data).hexdigest()[:32]
        name = re.sub(r"[^\w.-]+", "_", document.filename).strip("._") or "file"
        relative = f"{OUTGOING_DIR}/{digest}/{name}"
        target = self.media_dir / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(document.data)
        return relative

    def _prune_documents(self) -> None:
        folder = self.media_dir / OUTGOING_DIR
        if not folder.is_dir():
            return
        oldest = time.time() - OUTGOING_TTL_SECONDS
        for file in folder.glob("*/*"):
            try:
                if file.stat().st_mtime < oldest:
                    file.unlink()
                    file.parent.rmdir()
            except OSError:  # another send pruned it, or the folder holds another file
                pass


def basic_auth(login: str, password: str) -> str:
    """An Authorization header value. aiohttp drops it when Twilio redirects to its media CDN."""
    return "Basic " + logsafe.basic_credentials(login, password)


async def download_image(
    session: aiohttp.ClientSession, ref: MediaRef, authorization: str, limit: int
) -> bytes:
    """The image bytes of an incoming media URL; MediaUnavailable('too_large'|'download_failed')."""
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
