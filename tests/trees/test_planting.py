"""«Log a planting» as a citizen goes through it, in kk, ru and en: species, number, place (shared,
or a photo's EXIF), date, photo, note, summary; confirming twice saves one planting; every bad
answer gets a translated reason and changes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from storage.forms import FormDraft
from storage.events import Event, EventSignup, SignupStatus
from storage.trees import TreeCapture, TreePlanting
from tests.support import images
from tests.support.chat import Chat, labels, texts
from tests.trees.support import ALMATY, ASTANA, count, user_id

BISHKEK = (42.8746, 74.5698)


@dataclass(frozen=True)
class Lang:
    button: str
    my_trees: str
    log: str
    birch: str
    yesterday: str
    skip: str
    save: str
    astana: str  # the region's name in the summary
    saved: str
    back: str  # the form's «Back»


LANGS = [
    Lang("Қазақша", "Менің ағаштарым", "Ағаш отырғызуды тіркеу", "Қайың", "Кеше", "Өткізіп", "Отырғызуды сақтау", "Астана қаласы", "Сақталды", "Артқа"),
    Lang("Русский", "Мои деревья", "Записать посадку", "Берёза", "Вчера", "Пропустить", "Сохранить посадку", "город Астана", "Сохранено", "Назад"),
    Lang("English", "My trees", "Log a planting", "Birch", "Yesterday", "Skip", "Save the planting", "Astana", "Saved", "Back"),
]


async def open_wizard(chat: Chat, lang: Lang = LANGS[2]) -> None:
    await chat.onboard(lang.button)
    await chat.click(lang.my_trees)
    await chat.click(lang.log)


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru", "en"])
async def test_log_a_planting(app, lang: Lang) -> None:
    chat = Chat(app, "planter")
    await open_wizard(chat, lang)
    await chat.click(lang.birch)
    await chat.send("25")
    await chat.location(*ASTANA)
    await chat.click(lang.yesterday)
    await chat.photo(images.jpeg(5))
    summary = await chat.send("Мектеп ауласында, 5-Б сыныбымен")
    card = summary[-1]
    assert "× 25" in card.text and lang.astana in card.text and card.photo_path
    assert lang.save in " ".join(labels(card))
    saved = await chat.click(lang.save)
    assert lang.saved in texts(saved)
    assert saved[0].photo_path == card.photo_path  # the card shows the planting's photo

    async with app.sessions() as s:
        planting = await s.scalar(select(TreePlanting))
        assert (planting.species, planting.count, planting.region_code) == ("birch", 25, "KZ-71")
        assert planting.planted_on == date(2026, 5, 31)  # the test clock's yesterday
        assert planting.district_pcode == "KZ711210" and planting.location_source == "shared"
        assert planting.note == "Мектеп ауласында, 5-Б сыныбымен"
        assert [(c.source, c.alive) for c in planting.captures] == [("planting", 25)]
        assert await s.scalar(select(FormDraft)) is None


async def test_confirm_twice_saves_one(app, chat: Chat) -> None:
    await open_wizard(chat)
    await chat.click("Elm")
    await chat.send("3")
    await chat.location(*ASTANA)
    await chat.click("Today")
    await chat.click("Skip")
    await chat.click("Skip")
    summary = chat.last
    save = next(c.id for c in summary.choices if "Save" in c.label)
    await chat.press(save, summary.choice_seq)
    await chat.press(save, summary.choice_seq)  # a double tap, or the same press redelivered
    assert await count(app, TreePlanting) == 1
    assert await count(app, TreeCapture) == 0  # no photo, no capture


async def test_photo_as_file_gives_the_place(app, chat: Chat) -> None:
    await open_wizard(chat)
    await chat.click("Other species")
    await chat.send("Rowan")
    await chat.send("2")
    asked = await chat.photo(images.jpeg(6, gps=ALMATY), as_document=True)
    assert "When did you plant" in asked[-1].text  # the place and the photo are both answered
    await chat.send("15.05.2026")
    await chat.send("/menu")
    await chat.click("My trees")
    await chat.click("Log a planting")  # the draft goes on where it was
    assert "note" in chat.last.text
    await chat.click("Skip")
    assert "Almaty" in chat.last.text and chat.last.photo_path
    await chat.click("Save the planting")
    async with app.sessions() as s:
        planting = await s.scalar(select(TreePlanting))
        assert (planting.species, planting.species_name, planting.region_code) == ("other", "Rowan", "KZ-75")
        assert planting.location_source == "photo" and planting.planted_on == date(2026, 5, 15)
        assert len(planting.photos) == 1


async def test_bad_answers_change_nothing(app, chat: Chat) -> None:
    await open_wizard(chat)
    await chat.click("Other species")
    for name, reason in (("x" * 5000, "too long"), ("<b>Oak</b>", "only letters")):
        replies = await chat.send(name)
        assert reason in replies[0].text
    await chat.send("Rowan")
    for answer, reason in (
        ("0", "at least 1"),
        ("-1", "at least 1"),
        ("100000", "At most 10,000"),
        ("many", "in digits"),
    ):
        replies = await chat.send(answer)
        assert reason in replies[0].text, answer
    await chat.send("10")
    outside = await chat.location(*BISHKEK)
    assert "outside Kazakhstan" in outside[0].text
    no_gps = await chat.photo(images.jpeg(7))
    assert "no location" in no_gps[0].text
    not_image = await chat.photo(images.text_file(), as_document=True)
    assert "not a photo I can read" in not_image[0].text
    await chat.location(*ASTANA)
    for typed, reason in (
        ("01.01.2030", "in the future"),
        ("01.06.2024", "last 12 months"),
        ("31.02.2026", "could not read"),
        ("yesterday-ish", "could not read"),
    ):
        replies = await chat.send(typed)
        assert reason in replies[0].text, typed
    await chat.send("01.06.2026")
    refused = await chat.photo(images.pdf(), as_document=True)
    assert "not a photo I can read" in refused[0].text
    await chat.click("Skip")
    long_note = await chat.send("<script>alert(1)</script>" + "n" * 5000)
    assert "too long" in long_note[0].text
    async with app.sessions() as s:
        draft = (await s.scalar(select(FormDraft))).data
    assert draft["species_name"] == "Rowan" and draft["count"] == 10 and "note" not in draft
    assert await count(app, TreePlanting) == 0
    markup = await chat.send("<b>watered</b> daily")
    assert "<b>watered</b> daily" in markup[-1].text  # plain text: shown as typed
    await chat.click("Save the planting")
    assert await count(app, TreePlanting) == 1


async def test_back_and_edit(app, chat: Chat) -> None:
    await open_wizard(chat)
    await chat.click("Pine")
    await chat.click("Back")
    assert "Which trees" in chat.last.text
    await chat.click("Spruce")
    await chat.send("4")
    await chat.location(*ASTANA)
    await chat.click("Today")
    await chat.click("Skip")
    await chat.click("Skip")
    await chat.click("Number of trees")
    edited = await chat.send("40")
    assert "× 40" in edited[-1].text and "Spruce" in edited[-1].text
    await chat.click("Save the planting")
    async with app.sessions() as s:
        assert (await s.scalar(select(TreePlanting.count))) == 40


async def test_a_planting_made_at_a_cleanup_event_names_it(app, clock) -> None:
    """Someone who held a place at yesterday's cleanup event is asked whether the trees were
    planted there; someone who went to none is not asked at all."""
    volunteer = Chat(app, "volunteer")
    await volunteer.onboard("Русский")
    volunteer_id = await user_id(app, "volunteer")
    yesterday_noon = clock.now - timedelta(days=1)
    async with app.sessions() as s, s.begin():
        event = Event(
            title="Субботник на Есиле", description="", latitude=ASTANA[0], longitude=ASTANA[1],
            region_code="KZ-71", starts_at=yesterday_noon, ends_at=yesterday_noon + timedelta(hours=3),
            capacity=20, taken=1, created_at=yesterday_noon, updated_at=yesterday_noon,
        )
        s.add(event)
        await s.flush()
        s.add(EventSignup(event_id=event.id, user_id=volunteer_id, status=SignupStatus.GOING))
        event_id = event.id

    await volunteer.click("Мои деревья")
    await volunteer.click("Записать посадку")
    await volunteer.click("Берёза")
    await volunteer.send("12")
    await volunteer.location(*ASTANA)
    asked = await volunteer.click("Вчера")
    assert "субботнике" in asked[-1].text and "Субботник на Есиле" in " ".join(labels(asked[-1]))
    forged = await volunteer.press(f"plantevent:{event_id + 1}", volunteer.last.choice_seq)
    assert await count(app, TreePlanting) == 0 and forged
    await volunteer.click("Субботник на Есиле")
    await volunteer.click("Пропустить")
    summary = await volunteer.click("Пропустить")
    assert "На субботнике «Субботник на Есиле»" in summary[-1].text
    await volunteer.click("Сохранить посадку")

    loner = Chat(app, "loner")
    await open_wizard(loner)
    await loner.click("Elm")
    await loner.send("3")
    await loner.location(*ASTANA)
    after_day = await loner.click("Yesterday")
    assert "photo" in after_day[-1].text  # no event question for someone who went to none
    await loner.click("Skip")
    await loner.click("Skip")
    await loner.click("Save the planting")
    async with app.sessions() as s:
        plantings = {p.owner_id: p.event_id for p in (await s.scalars(select(TreePlanting))).all()}
    assert plantings == {volunteer_id: event_id, await user_id(app, "loner"): None}
