"""The terminal chat: one line per user turn on stdin, the bot's replies on stdout.

A turn is text, a number picking a choice, `/photo PATH`, `/location LAT LON` or a command such as
`/start`. Choices print as numbered lines. Messages for other console users wait in the outbox
until that user opens the console (`--user NAME`)."""

from __future__ import annotations

import itertools
import shlex
import sys
import time
from pathlib import Path
from typing import TextIO

from bot.channels.base import RateLimits, command_turn, read_file_limited
from handlers.types import Incoming, Kind, Location, MediaRef, Reply
from storage.files import private_dir, write_private

NAME = "console"


class ConsoleChannel:
    name = NAME
    holds_messages = False  # every message can go out at any time (no 24-hour window)
    limits = RateLimits()

    def __init__(
        self,
        user: str,
        out: TextIO = sys.stdout,
        media_dir: Path = Path("data/media"),
        files_dir: Path = Path("data/console-files"),
    ):
        self.user = user
        self.out = out
        self.media_dir = media_dir
        self.files_dir = files_dir
        self._counter = itertools.count(1)
        self._run = time.time_ns()

    # --- incoming ------------------------------------------------------------------------------
    def parse(self, line: str) -> Incoming | str | None:
        """An `Incoming`, or a console usage message (str), or None for an empty line."""
        line = line.strip()
        if not line:
            return None
        base = {
            "channel": NAME,
            "chat_id": self.user,
            "sender_id": self.user,
            "update_key": f"{self._run}-{next(self._counter)}",
            "display_name": self.user,
        }
        if line.startswith("/photo"):
            path = line[len("/photo"):].strip()
            try:
                path = shlex.split(path)[0] if path else ""
            except ValueError:
                pass
            if not path:
                return "usage: /photo PATH"
            file = Path(path).expanduser()
            if not file.is_file():
                return f"no such file: {path}"
            ref = MediaRef(str(file.resolve()), None, file.stat().st_size, file.name, as_document=True)
            return Incoming(kind=Kind.PHOTO, photo=ref, **base)
        if line.startswith("/location"):
            parts = line.split()[1:]
            try:
                lat, lon = (float(p.replace(",", ".")) for p in parts)
            except ValueError:
                return "usage: /location LAT LON (for example /location 51.128 71.430)"
            return Incoming(kind=Kind.LOCATION, location=Location(lat, lon), **base)
        if turn := command_turn(line):
            return Incoming(kind=Kind.COMMAND, command=turn[0], args=turn[1], text=line, **base)
        return Incoming(kind=Kind.TEXT, text=line, **base)

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        return read_file_limited(Path(ref.file_id), limit)

    # --- outgoing ------------------------------------------------------------------------------
    def delivers_to(self, chat_id: str) -> bool:
        return chat_id == self.user

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        lines: list[str] = []
        if reply.photo_path:
            lines.append(f"[photo: {self.media_dir / reply.photo_path}]")
        if reply.document:
            target = private_dir(self.files_dir) / f"{chat_id}-{reply.document.filename}"
            write_private(target, reply.document.data)
            lines.append(f"[file: {target}]")
        if reply.text:
            lines.append(reply.text)
        lines.extend(f"  {n}. {choice.label}" for n, choice in enumerate(reply.choices, 1))
        self.out.write("\n".join(lines) + "\n\n")
        self.out.flush()
        return None
