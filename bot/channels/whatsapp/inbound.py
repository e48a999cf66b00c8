"""Twilio's incoming-message webhook form -> a channel-neutral `Incoming`.

Twilio posts form fields (From `whatsapp:+7...`, Body, NumMedia, MediaUrl0.., MediaContentType0..,
Latitude, Longitude, Address, Label, ProfileName, WaId, MessageSid, ButtonPayload). WhatsApp sends
no language, so no `language_hint`: a first-time user is asked to choose one by the /start flow.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from bot.channels.base import command_turn
from handlers.types import Incoming, Kind, Location, MediaRef

NAME = "whatsapp"
PREFIX = "whatsapp:"


class InvalidUpdate(ValueError):
    """The (correctly signed) form is not an incoming WhatsApp message: no MessageSid or sender."""


def number_of(address: str) -> str:
    """'whatsapp:+77011234567' -> '+77011234567' (the chat id and the identity's external id)."""
    if not address.startswith(PREFIX) or len(address) == len(PREFIX):
        raise InvalidUpdate(f"not a WhatsApp address: {address!r}")
    return address[len(PREFIX):]


def parse_incoming(form: Mapping[str, str]) -> Incoming:
    sid = (form.get("MessageSid") or form.get("SmsMessageSid") or "").strip()
    if not sid:
        raise InvalidUpdate("no MessageSid")
    number = number_of(form.get("From", ""))
    body = form.get("Body") or ""
    base = {
        "channel": NAME,
        "chat_id": number,
        "sender_id": number,
        "update_key": sid[:64],
        "display_name": (form.get("ProfileName") or "").strip() or None,
    }

    if form.get("ButtonPayload"):
        return Incoming(kind=Kind.CHOICE, choice=form["ButtonPayload"], text=body or None, **base)

    try:
        media, location = _first_media(form), _location(form)
    except InvalidUpdate:  # garbled media or coordinates: the step answers what it expects
        return Incoming(kind=Kind.OTHER, text=body or None, **base)
    if media is not None:
        if (media.mime_type or "").startswith("image/"):
            return Incoming(kind=Kind.PHOTO, photo=media, text=body or None, **base)
        # A voice note, a video, a PDF...: no step can use it; the step answers what it expects.
        return Incoming(kind=Kind.OTHER, text=body or None, **base)
    if location is not None:
        return Incoming(kind=Kind.LOCATION, location=location, **base)

    text = body.strip()
    if turn := command_turn(text):
        return Incoming(kind=Kind.COMMAND, command=turn[0], args=turn[1], text=text, **base)
    if not text:
        return Incoming(kind=Kind.OTHER, **base)  # a sticker, a contact card, a reaction
    return Incoming(kind=Kind.TEXT, text=body, **base)


def _first_media(form: Mapping[str, str]) -> MediaRef | None:
    try:
        count = int(form.get("NumMedia") or 0)
    except ValueError:
        raise InvalidUpdate("NumMedia is not a number") from None
    if count <= 0:
        return None
    url = form.get("MediaUrl0")
    if not url:
        raise InvalidUpdate("NumMedia > 0 without MediaUrl0")
    mime = (form.get("MediaContentType0") or "").split(";")[0].strip().lower() or None
    return MediaRef(file_id=url, mime_type=mime)


def _location(form: Mapping[str, str]) -> Location | None:
    if not form.get("Latitude") or not form.get("Longitude"):
        return None
    try:
        lat, lon = float(form["Latitude"]), float(form["Longitude"])
    except ValueError:
        raise InvalidUpdate("Latitude/Longitude are not numbers") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidUpdate("Latitude/Longitude out of range")
    parts = [p.strip() for p in (form.get("Label"), form.get("Address")) if p and p.strip()]
    return Location(lat, lon, ", ".join(dict.fromkeys(parts)) or None)
