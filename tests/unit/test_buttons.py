"""The typed button codec: what a kind may declare, and what a press read back decodes to."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Annotated, Literal

import pytest

from handlers.buttons import MAX_ID_BYTES, ButtonError, MaxLen, button, decode


class Colour(enum.StrEnum):
    RED = "red"
    GREEN = "green"


@button("t.card")
@dataclass(frozen=True)
class Card:
    verb: Literal["ok", "rej"]
    report_id: int
    reason: Annotated[str, MaxLen(12)] = ""


@button("t.pick")
@dataclass(frozen=True)
class Pick:
    colour: Colour
    on: bool


def test_a_button_round_trips_through_its_id() -> None:
    assert Card("ok", 12).id == "t.card:ok:12"
    assert Card.parse("t.card:ok:12") == Card("ok", 12)
    assert Card("rej", 7, "spam").id == "t.card:rej:7:spam"
    assert Card.parse("t.card:rej:7:spam") == Card("rej", 7, "spam")
    assert Pick(Colour.GREEN, True).id == "t.pick:green:1"
    assert Pick.parse("t.pick:green:1") == Pick(Colour.GREEN, True)
    assert decode("t.pick:red:0") == Pick(Colour.RED, False)


@pytest.mark.parametrize(
    "forged",
    [
        "", "t.card", "t.card:ok", "t.card:nope:1", "t.card:ok:-1", "t.card:ok:1x", "t.card:ok:١٢",
        "t.card:ok:1:2:3", "t.card:ok:" + "9" * 40, "t.card:rej:1:has space", "t.pick:blue:1",
        "t.pick:red:2", "other:ok:1", "t.card:ok:1:" + "x" * 13, "t.card:ok:" + "1" * 200,
    ],
)
def test_a_forged_or_malformed_id_decodes_to_nothing(forged: str) -> None:
    assert Card.parse(forged) is None
    assert Pick.parse(forged) is None or forged.startswith("t.pick:") is False


def test_unknown_prefixes_decode_to_nothing() -> None:
    assert decode("zzz:1") is None
    assert decode(None) is None


def test_a_kind_too_long_for_telegram_is_refused_when_declared() -> None:
    with pytest.raises(ButtonError, match="over 64"):

        @button("t.long")
        @dataclass(frozen=True)
        class Long:
            text: Annotated[str, MaxLen(MAX_ID_BYTES)]


def test_a_prefix_is_declared_once_and_fields_must_be_encodable() -> None:
    with pytest.raises(ButtonError, match="twice"):

        @button("t.pick")
        @dataclass(frozen=True)
        class Another:
            n: int

    with pytest.raises(ButtonError, match="not a button field type"):

        @button("t.free")
        @dataclass(frozen=True)
        class Free:
            text: str


def test_a_value_of_the_wrong_shape_is_refused_when_built() -> None:
    with pytest.raises(ButtonError):
        _ = Card("ok", -1).id
    with pytest.raises(ButtonError):
        _ = Card("ok", 1, "a:b").id
