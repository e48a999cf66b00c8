"""Telegram updates as the flows see them."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.types import Update

from bot.channels.telegram_updates import callback_data, parse_callback_data, to_incoming
from handlers.types import Kind, Location

ALICE = {"id": 77, "is_bot": False, "first_name": "Алия", "last_name": "Сейтқали", "language_code": "kk"}


def update(chat_type: str = "private", chat_id: int = 77, **message: Any) -> Update:
    return Update.model_validate(
        {
            "update_id": 9001,
            "message": {
                "message_id": 1,
                "date": 0,
                "chat": {"id": chat_id, "type": chat_type},
                "from": ALICE,
                **message,
            },
        }
    )


def test_text_and_sender() -> None:
    incoming = to_incoming(update(text="Сәлем <b>!</b>"))
    assert (incoming.kind, incoming.text) == (Kind.TEXT, "Сәлем <b>!</b>")
    assert (incoming.channel, incoming.chat_id, incoming.sender_id, incoming.update_key) == ("telegram", "77", "77", "9001")
    assert (incoming.display_name, incoming.language_hint, incoming.is_group) == ("Алия Сейтқали", "kk", False)


@pytest.mark.parametrize(
    "text,command,args",
    [
        ("/start", "start", ""),
        ("/START@TazaBot ref42", "start", "ref42"),
        ("/language\nru", "language", "ru"),
    ],
)
def test_commands(text: str, command: str, args: str) -> None:
    incoming = to_incoming(update(text=text), "tazabot")
    assert (incoming.kind, incoming.command, incoming.args) == (Kind.COMMAND, command, args)


def test_command_for_another_bot_and_posts_without_sender_are_ignored() -> None:
    assert to_incoming(update(text="/start@OtherBot"), "TazaBot") is None
    post = Update.model_validate(
        {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": -100, "type": "channel"}, "text": "x"}}
    )
    assert to_incoming(post) is None


def test_a_lone_slash_is_text() -> None:
    assert to_incoming(update(text="/")).kind is Kind.TEXT
    assert to_incoming(update(text="/ hello")).kind is Kind.TEXT


def test_photo_takes_the_largest_size() -> None:
    sizes = [
        {"file_id": "big", "file_unique_id": "b", "width": 1280, "height": 960, "file_size": 200_000},
        {"file_id": "small", "file_unique_id": "s", "width": 90, "height": 67, "file_size": 1_000},
    ]
    incoming = to_incoming(update(photo=sizes, caption="near the river"))
    assert incoming.kind is Kind.PHOTO and incoming.text == "near the river"
    assert (incoming.photo.file_id, incoming.photo.size, incoming.photo.as_document) == ("big", 200_000, False)


def test_document_is_a_photo_candidate_with_its_mime_type() -> None:
    doc = {"file_id": "d1", "file_unique_id": "d", "file_name": "IMG_1.HEIC", "mime_type": "image/heic", "file_size": 3_000_000}
    incoming = to_incoming(update(document=doc))
    assert incoming.kind is Kind.PHOTO
    photo = incoming.photo
    assert (photo.file_id, photo.mime_type, photo.file_name, photo.size, photo.as_document) == (
        "d1", "image/heic", "IMG_1.HEIC", 3_000_000, True
    )


def test_location_and_venue() -> None:
    spot = {"latitude": 51.128, "longitude": 71.43}
    assert to_incoming(update(location=spot)).location == Location(51.128, 71.43)
    venue = {"location": spot, "title": "Байтерек", "address": "Нұржол бульвары"}
    incoming = to_incoming(update(venue=venue, location=spot))
    assert incoming.kind is Kind.LOCATION
    assert incoming.location == Location(51.128, 71.43, "Байтерек, Нұржол бульвары")


def test_anything_else_is_other() -> None:
    voice = {"file_id": "v", "file_unique_id": "v", "duration": 3}
    assert to_incoming(update(voice=voice)).kind is Kind.OTHER
    contact = {"phone_number": "+77010000000", "first_name": "A"}
    assert to_incoming(update(contact=contact)).kind is Kind.OTHER


def test_group_chat() -> None:
    incoming = to_incoming(update(chat_type="supergroup", chat_id=-100123, text="hi"))
    assert (incoming.chat_id, incoming.sender_id, incoming.is_group) == ("-100123", "77", True)


def test_button_press() -> None:
    press = Update.model_validate(
        {
            "update_id": 5,
            "callback_query": {
                "id": "q1",
                "from": ALICE,
                "chat_instance": "c",
                "data": "12|lang:kk",
                "message": {"message_id": 3, "date": 0, "chat": {"id": 77, "type": "private"}, "text": "?"},
            },
        }
    )
    incoming = to_incoming(press)
    assert (incoming.kind, incoming.choice, incoming.choice_seq, incoming.chat_id) == (Kind.CHOICE, "lang:kk", 12, "77")


def test_callback_data_round_trip_and_limit() -> None:
    assert parse_callback_data(callback_data(3, "forget:yes")) == (3, "forget:yes")
    assert parse_callback_data(callback_data(None, "menu")) == (None, "menu")
    assert parse_callback_data("garbage") == (None, "garbage")
    assert parse_callback_data("x|menu") == (None, "menu")
    with pytest.raises(ValueError):
        callback_data(1, "ә" * 40)  # 80 bytes in UTF-8
