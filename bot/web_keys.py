"""The keys the web server and the route groups it mounts (Open311, WhatsApp) share on the aiohttp
application, kept apart from bot/web.py so that a route group never imports the server."""

from __future__ import annotations

from aiohttp import web

from bot.app import App

APP_KEY = web.AppKey("taza_app", App)
# Paths of signed webhooks (Twilio's): not limited per client address, the signature guards them.
SIGNED_PATHS = web.AppKey("signed_paths", set[str])
