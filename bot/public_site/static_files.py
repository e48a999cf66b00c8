"""The page's static files, read once, gzipped once, and served with a content hash as ETag: a
whitelist (only files under static/ with a known type), so no path can leave the folder. Leaflet's
~150 kB of script weighs ~45 kB gzipped, which keeps the page under 200 kB before tiles."""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web

TYPES = {
    ".js": "text/javascript",
    ".css": "text/css",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
}
COMPRESSED = {".js", ".css", ".svg", ".txt"}
MAX_AGE = 86_400  # URLs carry ?v=<hash>, so a new file is a new URL


@dataclass(frozen=True, slots=True)
class StaticFile:
    body: bytes
    gzipped: bytes | None
    content_type: str
    etag: str


class StaticFiles:
    def __init__(self, folder: Path) -> None:
        self.files: dict[str, StaticFile] = {}
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in TYPES:
                body = path.read_bytes()
                gzipped = gzip.compress(body, 9, mtime=0) if path.suffix in COMPRESSED else None
                etag = hashlib.sha256(body).hexdigest()[:16]
                self.files[path.relative_to(folder).as_posix()] = StaticFile(body, gzipped, TYPES[path.suffix], etag)

    def url(self, name: str) -> str:
        return f"/static/{name}?v={self.files[name].etag}"

    def response(self, request: web.Request, name: str) -> web.Response | None:
        found = self.files.get(name)
        if found is None:
            return None
        return respond_bytes(request, found.body, found.content_type, found.etag, MAX_AGE, found.gzipped)


def respond_bytes(
    request: web.Request, body: bytes, content_type: str, etag: str, max_age: int, gzipped: bytes | None = None
) -> web.Response:
    """200 with the body (gzipped when the client takes it), or 304 when the client has it."""
    headers = {"ETag": f'"{etag}"', "Cache-Control": f"public, max-age={max_age}", "Vary": "Accept-Encoding"}
    if f'"{etag}"' in request.headers.get("If-None-Match", ""):
        return web.Response(status=304, headers=headers)
    if gzipped is not None and "gzip" in request.headers.get("Accept-Encoding", ""):
        headers["Content-Encoding"] = "gzip"
        body = gzipped
    response = web.Response(body=body, headers=headers)
    response.content_type = content_type
    if content_type.startswith(("text/", "application/geo")):
        response.charset = "utf-8"
    return response
