"""twilio's async REST client, optionally pointed at another base URL (`TWILIO_API_URL`: a local
stand-in in tests, a staging proxy), and the send call mapped to the outbox's errors.

twilio-python builds absolute URLs on api.twilio.com (or region/edge hosts), so the base URL is
swapped in the HTTP client, the one place every request passes through. The same place keeps the
response headers of the current send (a ContextVar, so concurrent sends do not mix), because
twilio's exception drops `Retry-After`.
"""

from __future__ import annotations

import logging
from contextvars import ContextVar
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.async_http_client import AsyncTwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.channels.base import SendError
from bot.channels.whatsapp.media import basic_auth

log = logging.getLogger(__name__)

_last_headers: ContextVar[dict[str, str] | None] = ContextVar("twilio_last_headers", default=None)

# Twilio errors that trying again cannot fix: invalid or unreachable recipient, blocked, opted out.
PERMANENT_CODES = {21211, 21408, 21610, 21614, 63003, 63024, 63032}


class RebasedHttpClient(AsyncTwilioHttpClient):
    """Sends every request to `base_url` (scheme, host and port) instead of Twilio's host."""

    def __init__(self, base_url: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.base = urlsplit(base_url.rstrip("/")) if base_url else None

    async def request(self, method: str, url: str, **kwargs: Any) -> Response:
        auth = kwargs.pop("auth", None)
        if auth is not None:  # as a header: aiohttp deprecates its `auth` argument
            kwargs["headers"] = {**(kwargs.get("headers") or {}), "Authorization": basic_auth(*auth)}
        if self.base is not None:
            parts = urlsplit(url)
            url = urlunsplit(
                (self.base.scheme, self.base.netloc, self.base.path + parts.path, parts.query, "")
            )
        response = await super().request(method, url, **kwargs)
        holder = _last_headers.get()
        if holder is not None:
            holder.clear()
            holder.update({k.lower(): v for k, v in (response.headers or {}).items()})
        return response


def make_client(account_sid: str, auth_token: str, base_url: str | None) -> Client:
    """Must be called inside the running event loop (aiohttp's session is made here)."""
    return Client(account_sid, auth_token, http_client=RebasedHttpClient(base_url, timeout=30))


async def create_message(client: Client, **fields: Any) -> str:
    """`messages.create_async` -> the message SID; failures as `SendError` for the outbox."""
    headers: dict[str, str] = {}
    token = _last_headers.set(headers)
    try:
        message = await client.messages.create_async(**fields)
    except TwilioRestException as exc:
        raise _send_error(exc, headers) from exc
    except TwilioException as exc:
        raise SendError(f"twilio: {exc}") from exc
    finally:
        _last_headers.reset(token)
    return message.sid


def _send_error(exc: TwilioRestException, headers: dict[str, str]) -> SendError:
    reason = f"twilio {exc.status} {exc.code}: {exc.msg}"[:500]
    if exc.status == 429 or exc.code == 20429:
        return SendError(reason, retry_after=_retry_after(headers))
    if exc.status >= 500:
        return SendError(reason, retry_after=_retry_after(headers, default=None))
    # Anything else is retried with backoff a bounded number of times, unless it cannot help.
    return SendError(reason, permanent=exc.code in PERMANENT_CODES)


def _retry_after(headers: dict[str, str], default: float | None = 1.0) -> float | None:
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else default
    except ValueError:
        return default
