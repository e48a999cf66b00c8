"""/start PAYLOAD: a new user chooses the language and consents first, then the link's target
opens; the payload waits in the conversation state, so a restart in between does not lose it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import create_app
from handlers.start import LINK
from storage.models import ConversationState
from tests.support.chat import Chat, CollectingChannel, labels, texts
from tests.support.links import add_probe


async def saved_state(app, chat: Chat) -> dict:
    async with app.sessions() as s:
        row = await s.get(ConversationState, (chat.channel, chat.user))
        return row.state


async def test_new_user_language_then_consent_then_the_target(app) -> None:
    opened = add_probe(app)
    chat = Chat(app, "dana")
    greeting = await chat.send("/start probe-Ab_9-x")
    assert labels(greeting[-1]) == ["Қазақша", "Русский", "English"]

    consent = await chat.click("English")
    assert "Do you give your consent" in consent[-1].text
    assert opened == []  # nothing opens before consent

    target = await chat.click("✅")
    assert texts(target) == "probe opened Ab_9-x"  # the argument may hold "-" and "_"
    assert opened == ["Ab_9-x"]
    assert LINK not in await saved_state(app, chat)  # opened once, then forgotten


async def test_other_input_before_consent_keeps_the_link(app) -> None:
    opened = add_probe(app)
    chat = Chat(app, "dana")
    await chat.send("/start probe-7")
    await chat.click("Русский")
    await chat.send("привет")  # the consent question again, the link still waiting
    await chat.send("/report")
    assert "согласие" in chat.last.text
    await chat.click("✅")
    assert opened == ["7"]


async def test_declining_consent_drops_the_link(app) -> None:
    opened = add_probe(app)
    chat = Chat(app, "dana")
    await chat.send("/start probe-7")
    await chat.click("English")
    await chat.click("✖️")
    await chat.send("/start")
    await chat.click("✅")
    assert opened == []
    assert "main menu" in chat.last.text


async def test_existing_user_opens_the_target_at_once(app, chat: Chat) -> None:
    opened = add_probe(app)
    await chat.onboard()
    await chat.click("Report a dump")  # in the middle of another flow
    replies = await chat.send("/start probe-42")
    assert texts(replies) == "probe opened 42"
    assert opened == ["42"]


async def test_payload_without_argument(app, chat: Chat) -> None:
    opened = add_probe(app)
    await chat.onboard()
    await chat.send("/start probe")
    assert opened == [""]


@pytest.mark.parametrize(
    "payload",
    [
        "zzz-1",  # nobody registered this prefix
        "Probe-1",  # prefixes are lower case
        "probe-" + "x" * 59,  # 65 characters: over Telegram's 64
        "probe-1!",  # a character Telegram does not allow
        "probe-1 2",  # a space: not one payload
        "probe-жер",  # Cyrillic
        "-probe",  # no prefix
    ],
)
async def test_unknown_or_malformed_payload_gets_the_normal_welcome(app, chat: Chat, payload: str) -> None:
    opened = add_probe(app)
    await chat.onboard()
    replies = await chat.send(f"/start {payload}")
    assert replies[-1].text == "Welcome back! What would you like to do?"
    assert "Report a dump" in " ".join(labels(replies[-1]))

    newcomer = Chat(app, "erlan")
    await newcomer.send(f"/start {payload}")
    await newcomer.click("English")
    menu = await newcomer.click("✅")
    assert menu[-1].text == "Thank you! Here is the main menu."
    assert opened == []


async def test_longest_payload_opens(app, chat: Chat) -> None:
    opened = add_probe(app)
    await chat.onboard()
    argument = "x" * 58  # "probe-" + 58 = 64 characters
    await chat.send(f"/start probe-{argument}")
    assert opened == [argument]


async def test_the_link_survives_a_restart_between_consent_and_target(app, settings, clock) -> None:
    add_probe(app)
    chat = Chat(app, "dana")
    await chat.send("/start probe-5")
    await chat.click("Қазақша")
    assert (await saved_state(app, chat))[LINK] == "probe-5"
    await app.close()  # the process dies while the consent question waits

    restarted = await create_app(settings, run_migrations=False, clock=clock)
    try:
        restarted.add_channel(CollectingChannel("console"))
        opened = add_probe(restarted)
        again = Chat(restarted, "dana")
        target = await again.send("1")  # "✅ Келісемін", typed as its number
        assert opened == ["5"]
        assert texts(target) == "probe opened 5"
    finally:
        await restarted.close()
