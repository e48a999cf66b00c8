"""Deep links: a link that opens one thing in the bot (a report, an event's invitation, a club).

Every channel delivers a link as the start command with a payload, `/start PAYLOAD`:
- Telegram: `https://t.me/<bot>?start=PAYLOAD`; Telegram sends "/start PAYLOAD" itself.
- WhatsApp: `https://wa.me/<number>?text=/start%20PAYLOAD` opens the chat with "/start PAYLOAD"
  typed in, for the person to send (a slash command: nobody types it by accident, and it reads the
  same as on the other channels).
- Console: the user types `/start PAYLOAD`.

A payload follows Telegram's rules: 1 to 64 characters of A-Z a-z 0-9 _ -. Its prefix is the part
before the first "-", lower-case letters and digits; what follows is the feature's argument, which
may itself hold "-" and "_". `r-12` is prefix "r" with argument "12"; `quiz` is prefix "quiz" with
no argument. A feature registers its prefix with `router.deep_link("r")(handler)`; the handler runs
with the argument once the user has chosen a language and consented (handlers/start.py keeps the
payload in the conversation state meanwhile). An unknown or malformed payload gets the usual welcome.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote

SEPARATOR = "-"
MAX_PAYLOAD = 64  # Telegram's limit for the start parameter
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PREFIX = re.compile(r"[a-z0-9]{1,16}")


class DeepLinkError(ValueError):
    """A prefix or payload that breaks the rules above (a programming error)."""


def check_prefix(prefix: str) -> str:
    if not _PREFIX.fullmatch(prefix):
        raise DeepLinkError(f"deep-link prefix {prefix!r}: 1 to 16 lower-case letters or digits")
    return prefix


def parse_payload(payload: str) -> tuple[str, str] | None:
    """(prefix, argument) of a well-formed payload, None for anything else."""
    if not _PAYLOAD.fullmatch(payload):
        return None
    prefix, _, argument = payload.partition(SEPARATOR)
    return (prefix, argument) if _PREFIX.fullmatch(prefix) else None


def payload(prefix: str, argument: str = "") -> str:
    """The payload that opens `prefix`'s target with `argument`; refuses one Telegram would not take."""
    text = f"{check_prefix(prefix)}{SEPARATOR}{argument}" if argument else prefix
    if not _PAYLOAD.fullmatch(text):
        raise DeepLinkError(f"deep-link payload {text!r}: at most {MAX_PAYLOAD} of A-Z a-z 0-9 _ -")
    return text


@dataclass
class DeepLinks:
    """Makes a channel's link for a payload. The composition root hands it in as the `deep_links`
    service: the WhatsApp number from TWILIO_WHATSAPP_FROM, the Telegram bot's username from
    TELEGRAM_BOT_USERNAME or, once polling starts, from getMe."""

    telegram_bot: str | None = None
    whatsapp_number: str | None = None  # "+1415..." or "whatsapp:+1415..."

    def link(self, channel: str, payload: str) -> str | None:
        """The link (or, on the console, the line to type); None when the channel's address is
        not known in this process."""
        if parse_payload(payload) is None:
            raise DeepLinkError(f"not a deep-link payload: {payload!r}")
        start = f"/start {payload}"
        if channel == "telegram" and self.telegram_bot:
            return f"https://t.me/{self.telegram_bot.removeprefix('@')}?start={payload}"
        if channel == "whatsapp" and self.whatsapp_number:
            digits = re.sub(r"\D", "", self.whatsapp_number)
            return f"https://wa.me/{digits}?text={quote(start, safe='')}"
        if channel == "console":
            return start
        return None
