"""`GET /healthz`: is this process up, can it reach the database, who holds the jobs lease, how
much waits in the outbox. 200 while the database answers (a load balancer keeps sending to this
web process even when no worker runs: the lease and the backlog are for the operator), 503 when
it does not."""

from __future__ import annotations

import logging

from aiohttp import web
from sqlalchemy import text

from bot.lease import WORKER
from bot.web_keys import APP_KEY
from storage.operations import lease_state, outbox_backlog

log = logging.getLogger(__name__)


async def healthz(request: web.Request) -> web.Response:
    app = request.app[APP_KEY]
    now = app.engine.clock()
    try:
        async with app.sessions() as session:
            await session.execute(text("SELECT 1"))
            lease = await lease_state(session, WORKER)
            backlog = await outbox_backlog(session, now)
    except Exception as exc:
        log.error("health check: database unavailable: %s", exc)
        return web.json_response({"status": "error", "database": "unavailable"}, status=503)
    held = lease.held(now)
    return web.json_response(
        {
            "status": "ok",
            "database": "ok",
            "scheduler": {
                "lease": "held" if held else "free",
                "holder": lease.holder if held else None,
                "expires_in_seconds": round((lease.expires_at - now).total_seconds(), 1) if held else None,
            },
            "outbox": {
                "pending": backlog.pending,
                "failed": backlog.failed,
                "oldest_pending_seconds": round(backlog.oldest_pending_seconds, 1),
            },
        }
    )
