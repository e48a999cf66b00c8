"""WhatsApp through Twilio: the webhook and status callback (webhook.py), the form mapping
(inbound.py), sending (channel.py, render.py, rest.py), media both ways (media.py) and the 24-hour
window (window.py)."""

from bot.channels.whatsapp.channel import WhatsAppChannel
from bot.channels.whatsapp.webhook import WEBHOOK_ROUTE, setup_whatsapp

__all__ = ["WEBHOOK_ROUTE", "WhatsAppChannel", "setup_whatsapp"]
