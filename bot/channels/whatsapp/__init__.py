"""WhatsApp through Twilio: the webhook and status callback (webhook.py), the form mapping
(inbound.py), sending (channel.py, render.py, rest.py), media both ways (media.py) and the 24-hour
window (window.py).

The names below are imported on first use: a module that needs only `media` (Open311's media
URL check) does not load the twilio library with the package."""

from __future__ import annotations

from importlib import import_module
from typing import Any

_WHERE = {"WhatsAppChannel": "channel", "WEBHOOK_ROUTE": "webhook", "setup_whatsapp": "webhook"}

__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
