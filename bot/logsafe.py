"""Secrets never reach a log line.

Every log record is masked as it is created (a wrapped LogRecord factory, so it holds for every
logger and every handler, including ones added later): the configured secrets (bot token, Twilio
auth token and its Basic credentials, webhook secrets) and anything shaped like a Telegram bot
token are replaced by `***`, in the message, its arguments and the formatted traceback. `protect`
is called by `Settings` for each secret it holds, so any code that has a secret registered it.
"""

from __future__ import annotations

import base64
import logging
import re
import threading

MASK = "***"
MIN_SECRET = 8  # shorter values would mask ordinary words
# A bot token: the bot's numeric id, a colon and 30-odd URL-safe characters (also in file URLs).
TELEGRAM_TOKEN = re.compile(r"\d{5,}:[A-Za-z0-9_-]{30,}")

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def protect(*values: str | None) -> None:
    """Mask these values in every log record from now on (and install the masking once)."""
    fresh = {v for v in values if v and len(v) >= MIN_SECRET}
    with _lock:
        _secrets.update(fresh)
    install()


def basic_credentials(login: str, password: str) -> str:
    """The base64 of `login:password` as an Authorization header carries it."""
    return base64.b64encode(f"{login}:{password}".encode()).decode("ascii")


def mask(text: str) -> str:
    for secret in sorted(_secrets, key=len, reverse=True):  # longest first: one may contain another
        if secret in text:
            text = text.replace(secret, MASK)
    return TELEGRAM_TOKEN.sub(MASK, text)


def _mask_record(record: logging.LogRecord) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a wrong format string: leave it to the handler to report
        return
    masked = mask(message)
    if masked != message:
        record.msg, record.args = masked, None
    if record.exc_info and record.exc_info[0] is not None and not record.exc_text:
        text = logging.Formatter().formatException(record.exc_info)
        record.exc_text = mask(text)
    if record.stack_info:
        record.stack_info = mask(record.stack_info)


def install() -> None:
    """Wrap the record factory once; later factories set by others still run inside it."""
    global _installed
    with _lock:
        if _installed:
            return
        _installed = True
        previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        _mask_record(record)
        return record

    logging.setLogRecordFactory(factory)
