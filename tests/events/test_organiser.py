"""An organiser creates, edits and cancels an event; participants are told; bad input changes
nothing; a citizen's forged organiser button is refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from storage.events import Event, EventOrganiser
from tests.events.support import BISHKEK, MEETING, count, event_row, make_event
from tests.support.chat import Chat, labels, texts


async def make_organiser(app, name: str = "olga", region: str = "KZ-71") -> Chat:
    admin = Chat(app, "admin")
    await admin.onboard()
    await admin.send(f"/addorganiser console:{name} {region}")
    assert "may now organise" in admin.last.text
    chat = Chat(app, name)
    await chat.onboard()
    return chat


async def create_event(chat: Chat, *, start: str = "05.06.2026 10:00", end: str = "13:00", capacity: str = "20") -> list:
    await chat.click("Cleanup events")
    await chat.click("Create a cleanup event")
    await chat.send("Clean the Esil embankment")
    await chat.send("We collect litter along the river.")
    await chat.location(*MEETING)
    await chat.send(start)
    await chat.send(end)
    await chat.send(capacity)
    await chat.send("gloves, water")
    await chat.click("Skip")
    return await chat.click("Create the event")


async def test_create_with_bad_input_first(app) -> None:
    olga = await make_organiser(app)
    await olga.click("Cleanup events")
    await olga.click("Create a cleanup event")
    assert "too long" in texts(await olga.send("x" * 5000))
    assert "without markup" in texts(await olga.send("<b>Cleanup</b>"))
    await olga.send("Clean the Esil embankment")
    await olga.send("We collect litter along the river.")
    assert "outside Kazakhstan" in texts(await olga.location(*BISHKEK))
    await olga.location(*MEETING)
    assert "in the past" in texts(await olga.send("01.05.2026 10:00"))
    assert "could not read" in texts(await olga.send("tomorrow"))
    await olga.send("05.06.2026 10:00")
    assert "after the start" in texts(await olga.send("09:00"))
    assert "24 hours" in texts(await olga.send("07.06.2026 10:00"))
    await olga.send("13:00")
    for bad in ("0", "-5", "10001", "many"):
        assert "from 1 to 10,000" in texts(await olga.send(bad))
    await olga.send("20")
    await olga.click("Skip")
    assert "There is no report TZ-000099" in texts(await olga.send("TZ-000099"))
    summary = await olga.click("Skip")
    assert "Check the cleanup event" in summary[-1].text and "Create the event" in " ".join(labels(summary[-1]))
    assert await count(app, Event) == 0
    created = await olga.click("Create the event")
    assert "The cleanup event is created" in texts(created)
    async with app.sessions() as s:
        event = await s.scalar(select(Event))
        assert event.region_code == "KZ-71" and event.capacity == 20 and event.bring is None
        assert event.starts_at.isoformat() == "2026-06-05T05:00:00+00:00"  # 10:00 in Kazakhstan
        assert event.ends_at - event.starts_at == timedelta(hours=3)


async def test_citizen_cannot_create_nor_press_organiser_buttons(app) -> None:
    event = await make_event(app)
    citizen = Chat(app, "citizen")
    await citizen.onboard()
    home = await citizen.click("Cleanup events")
    assert "Create" not in " ".join(labels(home[-1]))
    refused = await citizen.press(f"evo:cancel_yes:{event}", None)
    assert "Only the organiser" in texts(refused)
    assert (await event_row(app, event)).status == "scheduled"
    refused = await citizen.press(f"evo:csv:{event}", None)
    assert "Only the organiser" in texts(refused) and not any(r.document for r in refused)


async def test_edit_and_cancel_tell_everyone(app) -> None:
    olga = await make_organiser(app)
    await create_event(olga, capacity="1")
    async with app.sessions() as s:
        event_id = await s.scalar(select(Event.id))
    volunteer, waiting = Chat(app, "vera", language_hint=None), Chat(app, "timur")
    await volunteer.onboard("Русский")
    await waiting.onboard("Қазақша")
    await volunteer.press(f"ev:join:{event_id}", None)
    await waiting.press(f"ev:wait:{event_id}", None)
    await olga.press(f"evo:edit:{event_id}", None)
    await olga.click("Start")
    await olga.send("06.06.2026 11:00")
    summary = await olga.send("14:00")
    assert "11:00–2:00" in summary[-1].text or "11:00" in summary[-1].text
    saved = await olga.click("Save the changes")
    assert "2 people were told" in texts(saved)
    assert "Новое время" in volunteer.last.text or "Новое время" in texts(volunteer.history[-2:])
    await olga.press(f"evo:edit:{event_id}", None)
    await olga.click("Meeting point")
    assert "outside Kazakhstan" in texts(await olga.location(*BISHKEK))
    await olga.location(51.1605, 71.4704)
    moved = await olga.click("Save the changes")
    assert "2 people were told" in texts(moved)
    assert "Новое место сбора" in volunteer.history[-1].text and "51.160500" in volunteer.history[-1].text
    assert (await event_row(app, event_id)).latitude == 51.1605
    await olga.press(f"evo:edit:{event_id}", None)
    await olga.click("Places")
    await olga.send("2")
    await olga.click("Save the changes")
    await olga.press(f"evo:edit:{event_id}", None)
    await olga.click("Places")
    await olga.send("1")  # a number typed on the console is the answer, not the first button
    lower = await olga.click("Save the changes")
    assert "2 people are signed up already" in texts(lower)
    assert (await event_row(app, event_id)).capacity == 2
    await olga.click("Cancel")
    assert "орын босады" in waiting.history[-2].text and waiting.history[-1].document  # promoted, in Kazakh
    await olga.press(f"evo:cancel:{event_id}", None)
    cancelled = await olga.click("Yes, cancel")
    assert "2 people were told" in texts(cancelled)
    assert (await event_row(app, event_id)).status == "cancelled"
    assert "Организатор отменил субботник" in volunteer.last.text


async def test_admin_cli_style_roles(app) -> None:
    admin = Chat(app, "admin")
    await admin.onboard()
    await admin.send("/addorganiser console:zhan")
    await admin.send("/addorganiser console:zhan")
    assert "already organises" in admin.last.text
    listed = await admin.send("/organisers")
    assert "console:zhan" in texts(listed) and "every region" in texts(listed)
    await admin.send("/removeorganiser console:zhan")
    assert await count(app, EventOrganiser) == 0
    citizen = Chat(app, "zhan")
    await citizen.onboard()
    assert "Only an administrator" in texts(await citizen.send("/addorganiser console:zhan"))


async def test_subscribers_told_csv_and_message_all(app) -> None:
    fan = Chat(app, "fan")
    await fan.onboard("Русский")
    await fan.send("/events")
    await fan.click("Выбрать регион")
    await fan.click("Астана")
    await fan.click("Сообщать о новых")
    olga = await make_organiser(app)
    await create_event(olga)
    assert "Новый субботник" in fan.last.text and "Clean the Esil embankment" in fan.last.text
    async with app.sessions() as s:
        event_id = await s.scalar(select(Event.id))
    hacker = Chat(app, "=cmd|' /C calc'!A0", channel="whatsapp", display_name="=HYPERLINK(1)")
    await hacker.onboard()
    await hacker.press(f"ev:join:{event_id}", None)
    await fan.click("Открыть субботник")
    await fan.click("Записаться")
    csv_reply = await olga.press(f"evo:csv:{event_id}", None)
    document = next(r.document for r in csv_reply if r.document)
    content = document.data.decode("utf-8-sig")
    assert "Fan" in content and "'=HYPERLINK(1)" in content and "+7" not in content and "whatsapp" not in content
    await olga.press(f"evo:message:{event_id}", None)
    assert "too long" in texts(await olga.send("x" * 1001))
    sent = await olga.send("Meet at the bridge, 9:50.")
    assert "Sent to 2 participants" in texts(sent)
    assert "Meet at the bridge" in fan.last.text and "От организатора" in fan.last.text


ORGANISER_LANGS = [
    # language, menu, create, skip, create button, created, past, places hint
    ("Қазақша", "Сенбіліктер", "Сенбілік құру", "Өткізіп жіберу", "Сенбілікті құру", "Сенбілік құрылды", "өтіп кетті", "бүтін сан"),
    ("Русский", "Субботники", "Создать субботник", "Пропустить", "Создать субботник", "Субботник создан", "уже прошло", "целым числом"),
    ("English", "Cleanup events", "Create a cleanup event", "Skip", "Create the event", "is created", "in the past", "whole number"),
]


@pytest.mark.parametrize("lang", ORGANISER_LANGS, ids=["kk", "ru", "en"])
async def test_create_in_each_language(app, lang) -> None:
    language, menu, create, skip, create_button, created, past, places = lang
    admin = Chat(app, "admin")
    await admin.onboard(language)
    await admin.click(menu)
    await admin.click(create)
    await admin.send("Есіл жағалауы")
    await admin.send("Қоқыс жинаймыз.")
    await admin.location(*MEETING)
    assert past in texts(await admin.send("01.01.2026 10:00"))
    await admin.send("05.06.2026 10:00")
    await admin.send("13:00")
    assert places in texts(await admin.send("0"))
    await admin.send("3")
    await admin.click(skip)
    await admin.click(skip)
    done = await admin.click(create_button)
    assert created in texts(done)
    assert (await count(app, Event)) == 1
