"""The buttons of quiz clubs (typed ids, handlers/buttons.py).

`ClubPress`, `LeaderPress` and `PlayPress` are router actions: they stay valid on any message at any
time (a club card, the notice of a club round), so each handler reloads the club or the round and
checks membership or leadership again: a forged or stale press gets a clear answer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from handlers.buttons import MaxLen, button


@button("qc")
@dataclass(frozen=True)
class ClubPress:
    """A member's (or the leader's) buttons on a club's card."""

    verb: Literal["open", "board", "leave", "leave_yes", "name_on", "name_off"]
    club_id: int


@button("qcl")
@dataclass(frozen=True)
class LeaderPress:
    """The leader's buttons; `arg` is the club round whose results are asked for."""

    verb: Literal["code", "renew", "round", "rounds", "results", "close", "close_yes"]
    club_id: int
    arg: int = 0


@button("qcp")
@dataclass(frozen=True)
class PlayPress:
    """«Play» on the notice of a club round."""

    round_id: int


@button("qch")
@dataclass(frozen=True)
class ClubsHome:
    verb: Literal["create", "join"]


@button("qcn")
@dataclass(frozen=True)
class NameConsent:
    """The answer to «may your name be shown?» when joining."""

    show: bool


@button("qct")
@dataclass(frozen=True)
class TopicPick:
    """A topic of the bank, or "mixed"."""

    topic: Annotated[str, MaxLen(24)]


@button("qcv")
@dataclass(frozen=True)
class LevelPick:
    level: Literal["school", "adult"]


@button("qcd")
@dataclass(frozen=True)
class DeadlinePick:
    days: int
