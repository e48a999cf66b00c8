"""The one web route that serves photos to the public: the blurred public copy of a confirmed
report's photo (storage.public_photos), at /media/public/NAME.jpg. NAME is the content hash of the
original (64 hex digits, unguessable); the route looks only under MEDIA_DIR/public/ and only for a
copy that `public_report_photo` would give out, so no name reaches an original photo, a thumbnail,
or the copy of a report that is not confirmed (404 for all of them, the same answer as for a name
that does not exist). Open311's `media_url` points here."""

from __future__ import annotations

import re

from aiohttp import web

from storage.public_photos import PUBLIC_DIR, published_copy

ROUTE = "/media/public/{name}"
NAME = re.compile(r"^[0-9a-f]{64}\.jpg$")
CACHE_SECONDS = 3600


def public_photo_url(base_url: str, public_path: str) -> str:
    """The address of a public copy (a path `public_report_photo` gave) under the bot's base URL."""
    return f"{base_url.rstrip('/')}/media/public/{public_path.rsplit('/', 1)[-1]}"


def base_url(request: web.Request, configured: str | None) -> str:
    return (configured or f"{request.scheme}://{request.host}").rstrip("/")


def add_routes(app: web.Application, bot_app) -> None:
    async def serve(request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        if not NAME.match(name):
            raise web.HTTPNotFound()
        public_path = f"{PUBLIC_DIR}/{name[:2]}/{name}"
        async with bot_app.sessions() as session:
            allowed = await published_copy(session, public_path)
        file = bot_app.settings.MEDIA_DIR / public_path
        if not allowed or not file.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(file, headers={"Content-Type": "image/jpeg", "Cache-Control": f"public, max-age={CACHE_SECONDS}"})

    app.router.add_get(ROUTE, serve)
