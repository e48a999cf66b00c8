"""The router refuses a second registration of anything, and `/report` has one rule for its
argument: alone it starts a citizen's report, with a code it opens that report for moderators."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

import handlers
from handlers.buttons import button
from handlers.router import Router
from storage.models import InboxUpdate
from tests.support.chat import Chat, texts


async def nothing(ctx) -> None:
    return None


@button("t.router")
@dataclass(frozen=True)
class Press:
    n: int


@pytest.mark.parametrize(
    "register",
    [
        lambda r: r.command("help")(nothing),
        lambda r: r.command("report", argument=True)(nothing),
        lambda r: r.command("report")(nothing),
        lambda r: r.menu_entry("report", "x", 1)(nothing),
        lambda r: r.step("report.photo")(nothing),
        lambda r: r.action(r.actions["mod"].kind)(nothing),
    ],
    ids=["command", "command with argument", "bare command", "menu entry", "step", "action"],
)
def test_a_second_registration_is_refused(register) -> None:
    router = handlers.build_router()
    with pytest.raises(ValueError, match="registered twice"):
        register(router)


def test_an_action_needs_a_button_kind() -> None:
    router = Router()
    with pytest.raises(TypeError):
        router.action("mod")(nothing)  # type: ignore[arg-type]
    router.action(Press)(nothing)
    assert router.action_for(Press(3).id).kind is Press


async def test_report_alone_is_a_citizens_report_and_with_a_code_a_moderators_card(app, chat: Chat) -> None:
    await chat.onboard("English")
    assert "photo" in texts(await chat.send("/report")).lower()
    await chat.send("/menu")
    answer = texts(await chat.send("/report TZ-000001"))
    assert "does not exist" in answer or "moderator" in answer.lower()


async def test_report_with_a_code_works_before_consent_and_alone_asks_for_it(app) -> None:
    stranger = Chat(app, "stranger")
    answer = texts(await stranger.send("/report TZ-000001"))
    assert "consent" not in answer.lower()
    assert "consent" in texts(await stranger.send("/report")).lower() or "language" in texts(await stranger.send("/report")).lower()


async def test_a_forged_action_button_gets_no_longer_valid_and_the_menu(app, chat: Chat) -> None:
    await chat.onboard("Русский")
    replies = await chat.press("dispute:not-a-number", None)
    assert "больше не действует" in replies[0].text
    assert any(c.id.startswith("open:") for c in replies[-1].choices)
    async with app.sessions() as s:
        errors = (await s.scalars(select(InboxUpdate.error).where(InboxUpdate.error.is_not(None)))).all()
    assert errors == []
