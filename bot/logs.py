"""Log set-up. `LOG_FORMAT=json`: one JSON object a line, for log collectors, with the channel,
chat and update id of the step the line belongs to (handlers.log_context) and no other personal
data (no names, no texts a user typed: the project's log lines name ids only). Otherwise the
classic text lines."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sys
from datetime import datetime, timezone

from handlers.log_context import current_update

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        incoming = current_update.get()
        if incoming is not None:
            line.update(channel=incoming.channel, chat=incoming.chat_id, update=incoming.update_key)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


class StopDuringReset(logging.Filter):
    """A stop (SIGINT, SIGTERM) cancels the running tasks once. When it lands while SQLAlchemy's
    pool is resetting a connection a task just gave back, the pool logs the CancelledError as an
    error with its traceback, then drops that connection. What it held uncommitted goes with it, as
    at any stop (a step is applied once its transaction commits, and found again in the inbox if
    not): this is said in one line, among the other INFO lines (`--verbose`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        exc = record.exc_info[1] if record.exc_info else None
        if not (record.name.startswith("sqlalchemy.pool") and isinstance(exc, asyncio.CancelledError)):
            return True
        record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        record.msg, record.args = "a pooled connection was dropped: the process stopped while it was being reset", None
        record.exc_info, record.exc_text = None, None
        return logging.getLogger().isEnabledFor(logging.INFO)


def log_handler(log_format: str | None = None) -> logging.Handler:
    """The CLI's handler (standard error); LOG_FORMAT from the environment unless given."""
    handler = logging.StreamHandler(sys.stderr)
    if (log_format or os.environ.get("LOG_FORMAT", "text")).lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    handler.addFilter(StopDuringReset())
    return handler


def configure_logging(verbose: bool, log_format: str | None = None) -> None:
    """Root logging for the CLI."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[log_handler(log_format)])
