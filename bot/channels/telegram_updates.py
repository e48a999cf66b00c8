"""Telegram `Update` -> channel-neutral `Incoming`.

Only messages, button presses and quiz poll answers reach the flows. Anything a step cannot use (a sticker, a voice
note, a contact...) still becomes an `Incoming` of kind OTHER, so the user gets an answer."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, PollAnswer, Update
from aiogram.types import User as TgUser

from handlers.types import Incoming, Kind, Location, MediaRef

NAME = "telegram"
GROUP_TYPES = frozenset({"group", "supergroup"})
ALLOWED_UPDATES = ["message", "callback_query", "poll_answer"]  # what we ask getUpdates for


def callback_data(seq: int | None, choice_id: str) -> str:
    """Button payload: the prompt's sequence number and the choice id (at most 64 bytes)."""
    data = f"{'' if seq is None else seq}|{choice_id}"
    if len(data.encode("utf-8")) > 64:
        raise ValueError(f"callback data over Telegram's 64 bytes: {data!r}")
    return data


def poll_key(poll_id: str) -> str:
    """How the outbox stores a sent poll (its external id) and a poll answer names it: apart from
    message ids, which are numbers too."""
    return f"poll:{poll_id}"


def parse_callback_data(data: str) -> tuple[int | None, str]:
    """(seq, choice_id); data of an unknown shape is passed on as a choice without a seq, and the
    engine treats it as a button that is not offered (stale or forged)."""
    seq, sep, choice_id = data.partition("|")
    if not sep:
        return None, data
    return (int(seq) if seq.isdigit() else None), choice_id


def to_incoming(update: Update, bot_username: str | None = None) -> Incoming | None:
    """The `Incoming` for this update, or None when it is not for the flows (another update type,
    a channel post with no sender, a command addressed to another bot)."""
    if update.message is not None:
        return _from_message(update, update.message, bot_username)
    if update.callback_query is not None:
        return _from_callback(update, update.callback_query)
    if update.poll_answer is not None:
        return _from_poll_answer(update, update.poll_answer)
    return None


def _base(update: Update, chat_id: int, chat_type: str | None, user: TgUser) -> dict:
    return {
        "channel": NAME,
        "chat_id": str(chat_id),
        "sender_id": str(user.id),
        "update_key": str(update.update_id),
        "display_name": user.full_name,
        "language_hint": user.language_code,
        "is_group": chat_type in GROUP_TYPES,
    }


def _from_callback(update: Update, query: CallbackQuery) -> Incoming:
    message = query.message
    chat_id, chat_type = (message.chat.id, message.chat.type) if message else (query.from_user.id, "private")
    seq, choice_id = parse_callback_data(query.data or "")
    return Incoming(
        kind=Kind.CHOICE,
        choice=choice_id,
        choice_seq=seq,
        **_base(update, chat_id, chat_type, query.from_user),
    )


def _from_poll_answer(update: Update, answer: PollAnswer) -> Incoming | None:
    """A quiz poll answer has no chat: the bot sends quizzes in private chats, whose id is the
    user's. An answer on behalf of a chat (anonymous), or a retracted vote, is not for the flows."""
    if answer.user is None or not answer.option_ids:
        return None
    return Incoming(
        kind=Kind.POLL_ANSWER,
        poll_id=poll_key(answer.poll_id),
        poll_option=answer.option_ids[0],
        **_base(update, answer.user.id, "private", answer.user),
    )


def _from_message(update: Update, message: Message, bot_username: str | None) -> Incoming | None:
    if message.from_user is None:  # a post on behalf of a channel or an anonymous admin
        return None
    base = _base(update, message.chat.id, message.chat.type, message.from_user)
    if message.text is not None:
        return _from_text(message.text, base, bot_username)
    if message.photo:
        largest = max(message.photo, key=lambda size: (size.width * size.height, size.file_size or 0))
        ref = MediaRef(largest.file_id, "image/jpeg", largest.file_size)
        return Incoming(kind=Kind.PHOTO, photo=ref, text=message.caption, **base)
    if message.document is not None:
        doc = message.document
        ref = MediaRef(doc.file_id, doc.mime_type, doc.file_size, doc.file_name, as_document=True)
        return Incoming(kind=Kind.PHOTO, photo=ref, text=message.caption, **base)
    if message.venue is not None:
        venue = message.venue
        address = ", ".join(part for part in (venue.title, venue.address) if part) or None
        where = Location(venue.location.latitude, venue.location.longitude, address)
        return Incoming(kind=Kind.LOCATION, location=where, **base)
    if message.location is not None:
        where = Location(message.location.latitude, message.location.longitude)
        return Incoming(kind=Kind.LOCATION, location=where, **base)
    return Incoming(kind=Kind.OTHER, **base)


def _from_text(text: str, base: dict, bot_username: str | None) -> Incoming | None:
    if not text.startswith("/") or len(text) < 2 or text[1].isspace():
        return Incoming(kind=Kind.TEXT, text=text, **base)
    head, *rest = text[1:].split(maxsplit=1)
    args = rest[0] if rest else ""
    name, _, mention = head.partition("@")
    if mention and bot_username and mention.casefold() != bot_username.casefold():
        return None  # "/start@OtherBot" in a group is not for us
    return Incoming(kind=Kind.COMMAND, command=name.lower(), args=args.strip(), text=text, **base)
