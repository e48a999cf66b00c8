"""The update a log line is about: set by the engine while a step runs, read by the JSON log
format (bot/logs.py) so every line names the channel, chat and update id, and nothing personal."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar

from handlers.types import Incoming

current_update: ContextVar[Incoming | None] = ContextVar("taza_current_update", default=None)


@contextlib.contextmanager
def about(incoming: Incoming) -> Iterator[None]:
    token = current_update.set(incoming)
    try:
        yield
    finally:
        current_update.reset(token)
