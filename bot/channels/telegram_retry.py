"""A client-session middleware that rides out Telegram's short hiccups for every API call.

A 429 is waited out (`retry_after`) when the wait is short; a longer one goes straight back to the
caller, so the outbox reschedules that message instead of blocking its sender. 5xx answers, bodies
that are not JSON (a proxy's error page) and network errors are retried with exponential backoff.
After `max_retries` the error is let through: polling has its own backoff and the outbox its own
schedule. A retried send may reach Telegram twice when only its answer was lost; the outbox's
promise is "at worst twice", never "lost"."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramEntityTooLarge,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

log = logging.getLogger(__name__)


class RetryMiddleware(BaseRequestMiddleware):
    def __init__(
        self,
        max_retries: int = 3,
        base_delay: float = 0.5,
        max_delay: float = 8.0,
        max_wait: float = 10.0,
    ) -> None:
        self.max_retries = max_retries
        self.base_delay = base_delay
        self.max_delay = max_delay
        self.max_wait = max_wait  # the longest retry_after waited out here

    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        attempt = 0
        while True:
            try:
                return await make_request(bot, method)
            except TelegramRetryAfter as exc:
                if attempt >= self.max_retries or exc.retry_after > self.max_wait:
                    raise
                delay = float(exc.retry_after)
                reason = f"429, retry after {exc.retry_after}s"
            except TelegramEntityTooLarge:
                raise
            except (TelegramServerError, TelegramNetworkError, ClientDecodeError) as exc:
                if attempt >= self.max_retries:
                    raise
                delay = min(self.max_delay, self.base_delay * 2**attempt)
                reason = f"{type(exc).__name__}: {exc}"
            attempt += 1
            log.warning(
                "%s failed (%s); retry %d/%d in %.1fs",
                method.__api_method__, reason, attempt, self.max_retries, delay,
            )
            await asyncio.sleep(delay)
