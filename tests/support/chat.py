"""Conversation-style test tools: a channel that collects what the bot sends, and a `Chat` that
talks to the engine as one user would (send text, click a button by its label, send a photo)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from bot.app import App
from bot.channels.base import RateLimits
from handlers.context import MediaUnavailable
from handlers.types import Incoming, Kind, Location, MediaRef, Reply

_update_ids = itertools.count(1)


class CollectingChannel:
    """Stands in for a messenger: keeps every reply per chat and serves photos from memory."""

    limits = RateLimits()

    def __init__(self, name: str = "console") -> None:
        self.name = name
        # As the real channels: only WhatsApp holds messages back (its 24-hour window), so on the
        # others a step's answer is handed straight to the sender (Engine.direct).
        self.holds_messages = name == "whatsapp"
        self.sent: dict[str, list[Reply]] = {}
        self.media: dict[str, bytes] = {}

    def delivers_to(self, chat_id: str) -> bool:
        return True

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        self.sent.setdefault(chat_id, []).append(reply)
        return None

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        data = self.media.get(ref.file_id)
        if data is None:
            raise MediaUnavailable("download_failed")
        if len(data) > limit:
            raise MediaUnavailable("too_large")
        return data


@dataclass
class Chat:
    """One person in one private chat. Every action returns the replies it caused."""

    app: App
    user: str
    channel: str = "console"
    language_hint: str | None = None
    display_name: str | None = None
    seen: int = field(default=0, init=False)

    @property
    def transport(self) -> CollectingChannel:
        channel = self.app.channels[self.channel]
        assert isinstance(channel, CollectingChannel)
        return channel

    @property
    def history(self) -> list[Reply]:
        return self.transport.sent.get(self.user, [])

    @property
    def last(self) -> Reply:
        assert self.history, "the bot has not replied yet"
        return self.history[-1]

    @property
    def last_with_choices(self) -> Reply:
        for reply in reversed(self.history):
            if reply.choices:
                return reply
        raise AssertionError("no reply with choices so far")

    def _incoming(self, kind: Kind, **fields) -> Incoming:
        return Incoming(
            channel=self.channel,
            chat_id=self.user,
            sender_id=self.user,
            update_key=f"t{next(_update_ids)}",
            kind=kind,
            display_name=self.display_name or self.user.title(),
            language_hint=self.language_hint,
            **fields,
        )

    async def deliver(self, incoming: Incoming) -> list[Reply]:
        await self.app.engine.receive(incoming)
        await self.app.sender.flush()
        new = self.history[self.seen :]
        self.seen = len(self.history)
        return new

    async def send(self, text: str) -> list[Reply]:
        if text.startswith("/") and len(text) > 1:
            command, _, args = text[1:].partition(" ")
            return await self.deliver(self._incoming(Kind.COMMAND, command=command, args=args, text=text))
        return await self.deliver(self._incoming(Kind.TEXT, text=text))

    async def click(self, label: str) -> list[Reply]:
        """Press the button whose label contains `label` on the latest message that has buttons."""
        reply = self.last_with_choices
        matches = [c for c in reply.choices if label.casefold() in c.label.casefold()]
        assert matches, f"no button {label!r} among {[c.label for c in reply.choices]}"
        return await self.press(matches[0].id, reply.choice_seq)

    async def press(self, choice_id: str, seq: int | None) -> list[Reply]:
        """Press a button by its raw id (what a forged or stale callback would carry)."""
        return await self.deliver(self._incoming(Kind.CHOICE, choice=choice_id, choice_seq=seq))

    async def photo(self, data: bytes, *, as_document: bool = False, mime: str = "image/jpeg") -> list[Reply]:
        file_id = f"file{next(_update_ids)}"
        self.transport.media[file_id] = data
        ref = MediaRef(file_id, mime, len(data), "photo.jpg" if as_document else None, as_document)
        return await self.deliver(self._incoming(Kind.PHOTO, photo=ref))

    async def location(self, lat: float, lon: float) -> list[Reply]:
        return await self.deliver(self._incoming(Kind.LOCATION, location=Location(lat, lon)))

    async def other(self) -> list[Reply]:
        """Something no step can use: a sticker, a voice note."""
        return await self.deliver(self._incoming(Kind.OTHER))

    async def onboard(self, language: str = "English") -> list[Reply]:
        """/start, pick the language, agree: the user is at the main menu."""
        await self.send("/start")
        await self.click(language)
        return await self.click("✅")


def texts(replies: list[Reply]) -> str:
    return "\n".join(r.text for r in replies)


def labels(reply: Reply) -> list[str]:
    return [c.label for c in reply.choices]
