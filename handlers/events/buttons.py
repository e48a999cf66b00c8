"""The buttons of the events flow (typed ids, handlers/buttons.py).

`EventPress` buttons are router actions: they stay valid on any message at any time (an event card
in a list, a reminder, a notice of a freed place), so each handler reloads the event and checks
everything again. `EventAdmin` buttons are the organiser's and re-check the organiser's right on
every press. `EventPage` and `RegionPick` belong to the screen they were shown on."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from handlers.buttons import MaxLen, button
from handlers.context import Ctx


@button("ev")
@dataclass(frozen=True)
class EventPress:
    verb: Literal["open", "join", "wait", "leave", "cantcome", "ics", "checkin", "bags"]
    event_id: int


@button("evo")
@dataclass(frozen=True)
class EventAdmin:
    """`arg` is a sign-up or a bag claim, for the verbs that act on one."""

    verb: Literal[
        "manage", "people", "csv", "message", "invite", "edit", "cancel", "cancel_yes",
        "results", "mark", "claim_ok", "claim_no",
    ]
    event_id: int
    arg: int = 0


@button("evl")
@dataclass(frozen=True)
class EventPage:
    """«More» on a list (the list's point or region stays in the conversation state)."""

    offset: int


@button("evr")
@dataclass(frozen=True)
class RegionPick:
    code: Annotated[str, MaxLen(8)]


@button("evs")
@dataclass(frozen=True)
class Subscription:
    verb: Literal["on", "off"]
    code: Annotated[str, MaxLen(8)]


@button("evh")
@dataclass(frozen=True)
class HomePress:
    verb: Literal["region", "mine", "create", "organised", "list"]


async def pressed_action(ctx: Ctx) -> bool:
    """Run the action of a pressed or typed event button. A button pressed on Telegram reaches its
    action directly; a number typed on WhatsApp or the console for a screen's question reaches the
    screen's step with the same id, which hands it on here."""
    action = ctx.router.action_for(ctx.choice or "")
    if action is None:
        return False
    ctx.button = action.kind.parse(ctx.choice)  # type: ignore[attr-defined]
    if ctx.button is None:
        return False
    await action.handler(ctx)
    return True


@button("evx")
@dataclass(frozen=True)
class ResultsPress:
    """The organiser's answers while recording results: next, done with photos, save."""

    verb: Literal["next", "done", "save"]

