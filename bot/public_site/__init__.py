"""The public web page: the programme's figures, a region table and a map of reports, events and
trees (`/`, `/kk`, `/ru`, `/en`), a report's page (`/r/TZ-000123`) and an event's page (`/e/12`),
with the map's GeoJSON under `/api/` and the page's own static files (Leaflet among them, pinned
and served from here, never from a CDN) under `/static/`.

Server-rendered with Jinja2 (autoescaping on): the figures and the report's page need no
JavaScript; the map is added by one static script. Every HTML answer carries a strict
Content-Security-Policy (no inline script or style). Nothing personal is shown: no reporter, no
comment, no typed address, no moderator's note; photos only as their public (blurred) copies and
only once a moderator has confirmed the report. See bot/public_site/pages.py."""

from __future__ import annotations

from aiohttp import web


def add_routes(web_app: web.Application, bot_app) -> None:
    from bot.public_site.pages import PublicSite

    PublicSite(bot_app).add_routes(web_app)
