"""aiogram reads every answer into `Response[ReturnType]` (in `check_response`), a pydantic generic
model that pydantic caches only weakly: once the garbage collector takes the class, the next call of
that method builds it again (its schema and validator, about a millisecond each time). Profiling the
bot under a crowd found a sixth of its time there. This session keeps each response model it built."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot


class KeptModelsSession(AiohttpSession):
    _kept: dict[type, Any] = {}  # method class -> its Response model, for the life of the process

    def check_response(
        self, bot: Bot, method: TelegramMethod[TelegramType], status_code: int, content: str
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in self._kept:
            self._kept[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return super().check_response(bot, method, status_code, content)
