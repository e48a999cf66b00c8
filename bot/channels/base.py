"""What the outbox sender and the engine need from a channel adapter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from handlers.context import MediaUnavailable
from handlers.types import MediaRef, Reply


@dataclass(frozen=True, slots=True)
class RateLimits:
    """Platform limits the sender keeps. None means no limit."""

    per_second: float | None = None  # all chats together
    per_chat_per_second: float | None = None
    per_chat_burst: int = 1  # short bursts in one chat (a step's two or three replies)
    per_group_per_minute: float | None = None
    per_group_burst: int = 3
    group_chat_prefix: str | None = None  # group chat ids start with it (Telegram's are negative)

    def is_group(self, chat_id: str) -> bool:
        return bool(self.group_chat_prefix) and chat_id.startswith(self.group_chat_prefix or "")


class SendError(Exception):
    """A message was not sent. `retry_after` (seconds) when the platform said when to try again;
    `permanent` when trying again cannot help (the user blocked the bot, the chat is gone)."""

    def __init__(self, reason: str, *, retry_after: float | None = None, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        self.permanent = permanent


class HoldMessage(Exception):
    """The channel cannot deliver this message now and it must wait in the outbox (for example
    WhatsApp's 24-hour window closed and no template is configured). The reason is logged."""


class Channel(Protocol):
    """A channel may also set `holds_messages = False` when it never raises `HoldMessage`: the
    engine then skips releasing held messages on each step of its users (`App.add_channel`)."""

    name: str
    limits: RateLimits

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        """Deliver one message; returns the platform's message id where there is one."""
        ...

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        """The bytes of an incoming photo, or MediaUnavailable('too_large'|'download_failed')."""
        ...

    def delivers_to(self, chat_id: str) -> bool:
        """False for chats this process cannot reach now (another console user)."""
        ...


def read_file_limited(path: Path, limit: int) -> bytes:
    """A local file's bytes for `fetch_media`, refused when over `limit`."""
    try:
        if path.stat().st_size > limit:
            raise MediaUnavailable("too_large")
        return path.read_bytes()
    except OSError:
        raise MediaUnavailable("download_failed") from None


def media_file(root: Path, relative: str) -> Path | None:
    """The file `Reply.photo_path` names, if it exists inside MEDIA_DIR (`root`, resolved)."""
    path = (root / relative).resolve()
    return path if path.is_relative_to(root) and path.is_file() else None


def command_turn(text: str) -> tuple[str, str] | None:
    """("start", "args") for a typed "/start args", or None when the text is no command."""
    if not text.startswith("/") or len(text) < 2:
        return None
    command, _, args = text[1:].partition(" ")
    return command.lower(), args.strip()
