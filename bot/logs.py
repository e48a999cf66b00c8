"""Log set-up. `LOG_FORMAT=json`: one JSON object a line, for log collectors, with the channel,
chat and update id of the step the line belongs to (handlers.log_context) and no other personal
data (no names, no texts a user typed: the project's log lines name ids only). Otherwise the
classic text lines."""

from __future__ import annotations

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


def configure_logging(verbose: bool, log_format: str | None = None) -> None:
    """Root logging for the CLI; LOG_FORMAT from the environment unless given."""
    handler = logging.StreamHandler(sys.stderr)
    if (log_format or os.environ.get("LOG_FORMAT", "text")).lower() == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter(TEXT_FORMAT))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
