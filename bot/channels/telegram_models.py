"""aiogram reads every answer into `Response[ReturnType]`, a pydantic generic model that pydantic
caches only weakly: once the garbage collector takes the class, the next call of that method builds
it again (its schema and validator, about a millisecond each time). Profiling the bot under a crowd
found a sixth of its time there. Holding each response model once used keeps pydantic's cache warm."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

if TYPE_CHECKING:
    from aiogram import Bot

_KEPT: dict[type, Any] = {}  # method class -> its Response model, for the life of the process


class KeepResponseModels(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Response[TelegramType]:
        kind = type(method)
        if kind not in _KEPT:
            _KEPT[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)
