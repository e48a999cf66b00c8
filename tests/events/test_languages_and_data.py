"""The volunteer's path in Kazakh, Russian and English; what events add to the profile, /mydata
and /forget (a place held is freed for the waitlist)."""

from __future__ import annotations

import json

import pytest

from storage.events import BagClaim, EventSignup, EventSubscription
from tests.events.support import ASTANA, count, make_event, statuses
from tests.support.chat import Chat, texts

LANGS = [
    # language, menu entry, sign up, signed up, cancel, places left, my events, km
    ("Қазақша", "Сенбіліктер", "Тіркелу", "тіркелдіңіз", "Тіркелуден бас тарту", "Бос орын: 10 орынның 9 орны", "Менің сенбіліктерім", "м"),
    ("Русский", "Субботники", "Записаться", "Вы записаны", "Отменить запись", "Свободных мест: 9 из 10", "Мои субботники", "м"),
    ("English", "Cleanup events", "Sign up", "You are signed up", "Cancel my place", "Places left: 9 of 10", "My events", "m"),
]


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru", "en"])
async def test_volunteer_path(app, lang) -> None:
    language, entry, sign_up, signed, cancel, left, mine, metres = lang
    event = await make_event(app, title="Esil")
    chat = Chat(app, "volunteer")
    await chat.onboard(language)
    await chat.click(entry)
    listing = await chat.location(*ASTANA)
    assert "Esil" in listing[-1].text and f" {metres} ·" in listing[-1].text or f" {metres}\n" in listing[-1].text
    await chat.click("Esil")
    signed_up = await chat.click(sign_up)
    assert signed in texts(signed_up) and left in chat.last.text
    await chat.click("⬅️")  # back to the list
    await chat.click(mine)
    assert "Esil" in chat.last.text
    await chat.click("Esil")
    await chat.click(cancel)
    assert (await statuses(app, event)) == {"Volunteer": "cancelled"}


async def test_profile_mydata_and_forget(app) -> None:
    event = await make_event(app, capacity=1)
    holder, waiting = Chat(app, "holder"), Chat(app, "waiting")
    for chat in (holder, waiting):
        await chat.onboard()
    await holder.press(f"ev:join:{event}", None)
    await waiting.press(f"ev:wait:{event}", None)
    await holder.send("/events")
    await holder.click("Choose a region")
    await holder.click("Astana")
    await holder.click("Tell me about new events")
    await holder.click("Menu")
    profile = await holder.click("My profile")
    assert "Cleanup events: 1 upcoming, 0 attended" in profile[-1].text
    data = await holder.send("/mydata")
    exported = json.loads(next(r.document for r in data if r.document).data)
    assert exported["events"]["signups"][0]["status"] == "going"
    assert exported["events"]["subscribed_regions"] == ["KZ-71"]
    await holder.send("/forget")
    await holder.click("Yes, delete")
    assert await count(app, EventSubscription) == 0
    assert (await statuses(app, event)) == {"Waiting": "going"}
    assert "A place has freed up" in texts(waiting.history[-2:])
    assert await count(app, EventSignup) == 1 and await count(app, BagClaim) == 0
