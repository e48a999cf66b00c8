"""The conversation flows, written once for every channel. Nothing here imports a channel library."""

from __future__ import annotations

from importlib import import_module

from handlers.router import Router

# One line per flow module; each has `register(router)`. Order matters only for overrides:
# coming_soon comes last and fills the menu entries no flow has claimed.
FLOW_MODULES = (
    "handlers.start",
    "handlers.profile",
    "handlers.reports",
    "handlers.reports.my_reports",
    "handlers.reports.links",
    "handlers.moderation.admin",
    "handlers.moderation",
    "handlers.moderation.blur",
    "handlers.reports.followup",
    "handlers.events",
    "handlers.trees",
    "handlers.quiz",
    "handlers.points",
    "handlers.stats",
    "handlers.sites",
    "handlers.coming_soon",
)


def build_router(services: dict | None = None) -> Router:
    router = Router(services=dict(services or {}))
    for name in FLOW_MODULES:
        import_module(name).register(router)
    return router
