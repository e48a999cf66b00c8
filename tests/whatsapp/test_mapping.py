"""Twilio's form fields -> `Incoming`, and `Reply` -> WhatsApp bodies (pure functions)."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.inbound import InvalidUpdate, parse_incoming
from bot.channels.whatsapp.render import MAX_BODY, reply_text, split_text
from handlers.types import Choice, Kind, Reply

BASE = {"MessageSid": "SM1", "From": "whatsapp:+77011234567", "To": "whatsapp:+14155238886", "NumMedia": "0"}


def parse(**fields: str):
    return parse_incoming({**BASE, **fields})


def test_text_and_identity() -> None:
    incoming = parse(Body="  hello ", ProfileName="Aigerim")
    assert (incoming.channel, incoming.chat_id, incoming.sender_id) == ("whatsapp", "+77011234567", "+77011234567")
    assert incoming.update_key == "SM1" and incoming.kind is Kind.TEXT and incoming.text == "  hello "
    assert incoming.display_name == "Aigerim" and incoming.language_hint is None


def test_commands_buttons_media_locations() -> None:
    command = parse(Body="/Start now")
    assert (command.kind, command.command, command.args) == (Kind.COMMAND, "start", "now")
    assert parse(Body="/").kind is Kind.TEXT
    button = parse(Body="Yes", ButtonPayload="agree")
    assert (button.kind, button.choice, button.choice_seq) == (Kind.CHOICE, "agree", None)
    photo = parse(Body="caption", NumMedia="1", MediaUrl0="https://api.twilio.com/m/ME1", MediaContentType0="image/jpeg")
    assert photo.kind is Kind.PHOTO and photo.photo.file_id.endswith("/ME1") and photo.text == "caption"
    assert parse(NumMedia="1", MediaUrl0="https://x/ME2", MediaContentType0="audio/ogg").kind is Kind.OTHER
    place = parse(Latitude="43.2567", Longitude="76.9286", Label="Medeu")
    assert place.kind is Kind.LOCATION and place.location.address == "Medeu"
    assert (place.location.latitude, place.location.longitude) == (43.2567, 76.9286)


@pytest.mark.parametrize(
    "fields",
    [
        {"Latitude": "91", "Longitude": "10"},
        {"Latitude": "nan", "Longitude": "10"},
        {"Latitude": "north", "Longitude": "10"},
        {"NumMedia": "many"},
        {"NumMedia": "1"},  # no MediaUrl0
        {"Body": ""},  # a sticker or a reaction: no text
    ],
)
def test_garbled_parts_become_other(fields: dict[str, str]) -> None:
    assert parse(**fields).kind is Kind.OTHER


@pytest.mark.parametrize(
    "fields", [{"From": "+77011234567"}, {"From": "whatsapp:"}, {"From": ""}, {"MessageSid": ""}]
)
def test_not_a_whatsapp_message(fields: dict[str, str]) -> None:
    with pytest.raises(InvalidUpdate):
        parse(Body="hi", **fields)


def test_choices_as_a_numbered_list() -> None:
    reply = Reply(text="Pick one:", choices=(Choice("a", "Қазақша"), Choice("b", "⬅️ Menu")))
    assert reply_text(reply) == "Pick one:\n\n1. Қазақша\n2. ⬅️ Menu"
    assert reply_text(Reply(choices=(Choice("a", "A"),))) == "1. A"


def test_split_keeps_everything_within_the_limit() -> None:
    lines = [f"line {n} " + "ә" * (n % 50) for n in range(400)]
    text = "\n".join(lines)
    pieces = split_text(text)
    assert all(0 < len(p) <= MAX_BODY for p in pieces) and len(pieces) > 1
    assert "\n".join(pieces) == text  # cut at line breaks, nothing lost
    word = "x" * (MAX_BODY * 2 + 10)
    assert [len(p) for p in split_text(word)] == [MAX_BODY, MAX_BODY, 10]
    assert split_text("short") == ["short"] and split_text("  ") == []
