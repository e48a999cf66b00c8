"""The Telegram channel (aiogram 3): sending replies, fetching photos, and long polling.

Replies are plain text: no parse_mode is ever set, so whatever a user typed (<b>, <script>, a
stray "*") is shown as typed and can never make a message fail. Choices become an inline keyboard,
one button per row, whose callback data is "{seq}|{choice id}".

`TELEGRAM_API_URL` points the bot at a self-hosted Bot API server (https://github.com/tdlib/
telegram-bot-api); API calls and file downloads then go there. A server started with `--local`
answers getFile with an absolute path on its own disk: when that path is readable here (the same
host or a shared volume) the file is read from disk, otherwise it is downloaded over HTTP."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from pathlib import Path

from aiogram import Bot, Dispatcher
from aiogram.client.telegram import PRODUCTION, TelegramAPIServer
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramMigrateToChat,
    TelegramRetryAfter,
    TelegramUnauthorizedError,
)
from aiogram.types import (
    BufferedInputFile,
    FSInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    InputPollOption,
    Message,
    User,
)
from aiogram.utils.token import TokenValidationError

from bot.app import App
from bot.channels.base import RateLimits, SendError, media_file, read_file_limited
from bot.channels.telegram_inbox import BatchStore, InboxWriter
from bot.channels.telegram_json import JsonMessagesSession
from bot.channels.telegram_retry import RetryMiddleware
from bot.channels.telegram_updates import ALLOWED_UPDATES, NAME, callback_data, parse_callback_data, poll_key
from bot.config import ConfigError, Settings
from bot.inbox import BatchQueue
from handlers.context import MediaUnavailable
from handlers.types import MediaRef, QuizPoll, Reply

log = logging.getLogger(__name__)

DEFAULT_PER_SECOND = 30  # Telegram's documented overall limit
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
DOWNLOAD_TIMEOUT = 60


def build_bot(settings: Settings, retries: int = 3) -> Bot:
    api = TelegramAPIServer.from_base(settings.TELEGRAM_API_URL) if settings.TELEGRAM_API_URL else PRODUCTION
    session = JsonMessagesSession(api=api)
    session.middleware(RetryMiddleware(max_retries=retries))
    try:
        return Bot(settings.BOT_TOKEN or "", session=session)
    except TokenValidationError:
        raise ConfigError("Configuration error: BOT_TOKEN: this is not a Telegram bot token") from None


class TelegramChannel:
    """Sending keeps Telegram's limits: `per_second` overall (TELEGRAM_MAX_PER_SECOND, Telegram's
    documented 30 by default), 1 a second per chat, 20 a minute per group. With `paid_broadcast`
    (TELEGRAM_ALLOW_PAID_BROADCAST, opt-in: Telegram charges Stars for it) every message carries
    `allow_paid_broadcast` and the overall limit is up to 1,000 a second."""

    name = NAME
    holds_messages = False  # every message can go out at any time (no 24-hour window)
    limits = RateLimits(
        per_second=DEFAULT_PER_SECOND,
        per_chat_per_second=1,
        per_chat_burst=3,
        per_group_per_minute=20,
        group_chat_prefix="-",
    )

    def __init__(
        self, bot: Bot, media_dir: Path, *, per_second: float = DEFAULT_PER_SECOND, paid_broadcast: bool = False
    ) -> None:
        self.bot = bot
        self.media_dir = media_dir.resolve()
        self.paid = {"allow_paid_broadcast": True} if paid_broadcast else {}
        if per_second != DEFAULT_PER_SECOND:  # else the class's limits (which tests may replace)
            self.limits = dataclasses.replace(type(self).limits, per_second=per_second)

    @classmethod
    def from_settings(cls, bot: Bot, settings: Settings) -> TelegramChannel:
        paid = settings.TELEGRAM_ALLOW_PAID_BROADCAST
        rate = settings.TELEGRAM_PAID_MAX_PER_SECOND if paid else settings.TELEGRAM_MAX_PER_SECOND
        return cls(bot, settings.MEDIA_DIR, per_second=rate, paid_broadcast=paid)

    def delivers_to(self, chat_id: str) -> bool:
        return True

    # --- outgoing ------------------------------------------------------------------------------
    async def send(self, chat_id: str, reply: Reply) -> str | None:
        """The message id, or for a quiz poll its poll id (`poll_key`): a poll answer names only it."""
        if reply.quiz_feedback:
            return None  # the quiz poll shows right/wrong and the explanation itself
        try:
            message = await self._send(_chat(chat_id), reply)
        except TelegramRetryAfter as exc:
            raise SendError(f"flood control: {exc.message}", retry_after=exc.retry_after) from exc
        except TelegramMigrateToChat as exc:
            raise SendError(
                f"the group became supergroup {exc.migrate_to_chat_id}", permanent=True
            ) from exc
        except (TelegramForbiddenError, TelegramBadRequest) as exc:
            # Blocked by the user, kicked from the group, chat not found, a malformed message:
            # sending the same thing again cannot succeed.
            raise SendError(f"{type(exc).__name__}: {exc.message}", permanent=True) from exc
        except TelegramAPIError as exc:  # network, 5xx, timeouts: the outbox tries again later
            raise SendError(f"{type(exc).__name__}: {exc.message}") from exc
        if message is not None and message.poll is not None:
            return poll_key(message.poll.id)
        return str(message.message_id) if message else None

    async def _send(self, chat_id: int | str, reply: Reply) -> Message | None:
        markup = _keyboard(reply)
        if reply.quiz is not None:
            return await self._send_quiz(chat_id, reply.quiz, markup)
        text = reply.text or ""
        media = self._media(reply)
        caption = text if media and units(text) <= CAPTION_LIMIT else None
        chunks = [] if caption is not None else split_text(text, TEXT_LIMIT)
        if not media and not chunks:
            if markup is None:
                return None
            chunks = ["…"]  # Telegram needs text to carry buttons
        last: Message | None = None
        for index, (kind, file) in enumerate(media):
            is_last = index == len(media) - 1 and not chunks
            extra = {
                "caption": caption if index == len(media) - 1 else None,
                "reply_markup": markup if is_last else None,
            }
            if kind == "photo":
                last = await self.bot.send_photo(chat_id, file, **extra, **self.paid)
            else:
                last = await self.bot.send_document(chat_id, file, **extra, **self.paid)
        for index, chunk in enumerate(chunks):
            is_last = index == len(chunks) - 1
            last = await self.bot.send_message(
                chat_id, chunk, reply_markup=markup if is_last else None, **self.paid
            )
        return last

    async def _send_quiz(self, chat_id: int | str, quiz: QuizPoll, markup: InlineKeyboardMarkup | None) -> Message:
        """A native quiz poll, not anonymous (so its answers come back as poll_answer updates). The
        reply's choices that are not its options (the way back to the menu) stay as buttons."""
        if markup is not None:
            rows = [row for row in markup.inline_keyboard if _choice_id(row[0]) not in quiz.option_ids]
            markup = InlineKeyboardMarkup(inline_keyboard=rows) if rows else None
        return await self.bot.send_poll(
            chat_id,
            quiz.question,
            [InputPollOption(text=option) for option in quiz.options],
            type="quiz",
            is_anonymous=False,
            correct_option_ids=[quiz.correct],  # Bot API 9.6 replaced correct_option_id
            explanation=quiz.explanation,
            reply_markup=markup,
            **self.paid,
        )

    def _media(self, reply: Reply) -> list[tuple[str, FSInputFile | BufferedInputFile]]:
        media: list[tuple[str, FSInputFile | BufferedInputFile]] = []
        if reply.photo_path:
            path = media_file(self.media_dir, reply.photo_path)
            if path is None:
                log.error("photo %r is not a file under MEDIA_DIR; sending the text alone", reply.photo_path)
            else:
                media.append(("photo", FSInputFile(path)))
        if reply.document:
            doc = reply.document
            media.append(("document", BufferedInputFile(doc.data, filename=doc.filename)))
        return media

    # --- incoming media ------------------------------------------------------------------------
    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        if ref.size is not None and ref.size > limit:
            raise MediaUnavailable("too_large")
        try:
            file = await self.bot.get_file(ref.file_id)
        except TelegramBadRequest as exc:
            too_big = "too big" in exc.message.lower()
            log.warning("getFile %s refused: %s", ref.file_id, exc.message)
            raise MediaUnavailable("too_large" if too_big else "download_failed") from None
        except TelegramAPIError as exc:
            log.warning("getFile %s failed: %s", ref.file_id, exc)
            raise MediaUnavailable("download_failed") from None
        if file.file_size is not None and file.file_size > limit:
            raise MediaUnavailable("too_large")
        if not file.file_path:
            raise MediaUnavailable("download_failed")
        local = Path(file.file_path)
        if local.is_absolute() and local.is_file():  # a --local Bot API server on this host
            return await asyncio.to_thread(read_file_limited, local, limit)
        return await self._download(file.file_path, limit)

    async def _download(self, file_path: str, limit: int) -> bytes:
        url = self.bot.session.api.file_url(self.bot.token, file_path)
        data = bytearray()
        try:
            stream = self.bot.session.stream_content(url, timeout=DOWNLOAD_TIMEOUT)
            async with contextlib.aclosing(stream):
                async for chunk in stream:
                    data.extend(chunk)
                    if len(data) > limit:
                        raise MediaUnavailable("too_large")
        except MediaUnavailable:
            raise
        except Exception as exc:  # aiohttp errors, timeouts, HTTP statuses
            # Not `exc` itself: an HTTP error's text holds the URL, and the URL holds the token.
            status = getattr(exc, "status", None)
            log.warning("download of %s failed: %s%s", file_path, type(exc).__name__, f" {status}" if status else "")
            raise MediaUnavailable("download_failed") from None
        return bytes(data)


def _chat(chat_id: str) -> int | str:
    return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id


def _choice_id(button: InlineKeyboardButton) -> str:
    return parse_callback_data(button.callback_data or "")[1]


def _keyboard(reply: Reply) -> InlineKeyboardMarkup | None:
    if not reply.choices:
        return None
    rows = [
        [InlineKeyboardButton(text=choice.label, callback_data=callback_data(reply.choice_seq, choice.id))]
        for choice in reply.choices
    ]
    return InlineKeyboardMarkup(inline_keyboard=rows)


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most `limit` characters as Telegram counts them (UTF-16 units), cut at line
    breaks where there are any, else at a space."""
    if units(text) <= limit:  # nearly every message: one piece, counted once
        return [text.strip("\n")] if text.strip() else []
    chunks: list[str] = []
    current = ""
    for line in text.splitlines(keepends=True):
        while units(line) > limit:  # one line longer than a message
            cut = _fitting(line, limit)
            cut = line.rfind(" ", 0, cut) + 1 or cut
            if current:
                chunks.append(current)
                current = ""
            chunks.append(line[:cut])
            line = line[cut:]
        if units(current) + units(line) > limit:
            chunks.append(current)
            current = ""
        current += line
    chunks.append(current)
    return [chunk.strip("\n") for chunk in chunks if chunk.strip()]


def units(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units (an emoji may count 2)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting(text: str, limit: int) -> int:
    """The longest prefix (in characters) that fits `limit` UTF-16 units."""
    cut = min(len(text), limit)
    while units(text[:cut]) > limit:
        cut -= 1
    return cut


# --- receiving ------------------------------------------------------------------------------------
async def run_telegram(app: App, *, polling_timeout: int = 30, retries: int = 3) -> None:
    """Long polling until cancelled. Each update is stored in the inbox before the next
    getUpdates confirms it; what a crash left unprocessed is finished first."""
    bot = build_bot(app.settings, retries)
    try:
        me = await _connect(bot)
        app.deep_links.telegram_bot = me.username  # t.me links name the bot Telegram says we are
        await bot.delete_webhook(drop_pending_updates=False)  # polling and a webhook exclude each other
        app.add_channel(TelegramChannel.from_settings(bot, app.settings))
        app.sender.wake()
        queues = BatchQueue(app.engine.process_batch)
        for incoming in await app.engine.pending(NAME):
            queues.submit(incoming)
        dispatcher = Dispatcher()
        writer = InboxWriter(app.engine, queues, bot, me.username)
        bot.session.middleware(BatchStore(writer))
        dispatcher.update.outer_middleware(writer)
        log.info("polling Telegram as @%s", me.username)
        await _poll(dispatcher, bot, polling_timeout)
    finally:
        await bot.session.close()


async def _poll(dispatcher: Dispatcher, bot: Bot, polling_timeout: int) -> None:
    """aiogram's polling loop with sequential handling. Cancelling `start_polling` itself would
    leave its inner polling task running, so a cancellation is turned into `stop_polling()`."""
    polling = asyncio.create_task(
        dispatcher.start_polling(
            bot,
            polling_timeout=polling_timeout,
            handle_as_tasks=False,
            allowed_updates=ALLOWED_UPDATES,
            handle_signals=False,
            close_bot_session=False,
        )
    )
    try:
        await asyncio.shield(polling)
    except asyncio.CancelledError:
        if not polling.done():
            await dispatcher.stop_polling()
        raise


async def _connect(bot: Bot) -> User:
    """getMe until Telegram answers; a refused token is a configuration error."""
    delay = 1.0
    while True:
        try:
            return await bot.me()
        except TelegramUnauthorizedError:
            raise ConfigError("Configuration error: BOT_TOKEN: Telegram refused this token") from None
        except TelegramAPIError as exc:
            log.warning("cannot reach the Bot API (%s); retrying in %.0fs", exc, delay)
            await asyncio.sleep(delay)
            delay = min(60.0, delay * 2)
