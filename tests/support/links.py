"""A deep-link target for tests: `probe-ARG` answers "probe opened ARG", so a test sees when a
link's target opens and with which argument, apart from any feature's own behaviour."""

from __future__ import annotations

from bot.app import App
from handlers.context import Ctx

PROBE = "probe"


def add_probe(app: App) -> list[str]:
    """Registers the probe prefix on the app's router; returns the arguments it was opened with."""
    opened: list[str] = []

    async def open_probe(ctx: Ctx, argument: str) -> None:
        opened.append(argument)
        ctx.reply(f"probe opened {argument}")

    app.engine.router.deep_link(PROBE)(open_probe)
    return opened
