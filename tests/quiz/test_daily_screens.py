"""The daily question's screens as conversations: subscribing in each language with a typed or
pressed hour, hours that are not hours, changing the hour and the level, stopping with /stopdaily
or the button (only its owner's), /mydata and /forget. The clock starts at 11:00 in Kazakhstan
(06:00 UTC)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import func, select

from handlers.quiz.daily import DailyHour, DailyStop
from storage.quiz import QuizSubscription
from tests.support.chat import Chat, labels, texts
from tests.trees.support import user_id

TODAY, TOMORROW = date(2026, 6, 1), date(2026, 6, 2)


async def subscription(app, external_id: str) -> QuizSubscription | None:
    async with app.sessions() as s:
        return await s.get(QuizSubscription, await user_id(app, external_id))


async def subscriptions(app) -> int:
    async with app.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(QuizSubscription)))


LANGS = [
    # language button, subscribe, typed hour, level button, the hour's words, what the confirmation says
    ("Қазақша", "Жазылу", "07", "Мектеп", 7, "күннің сұрағы күн сайын келеді, уақыты: 07:00"),
    ("Русский", "Подписаться", "19:00", "Взрослый", 19, "вопрос дня будет приходить каждый день в 19:00"),
    ("English", "Subscribe", "7", "Adult", 7, "the daily question will come every day at 07:00"),
]


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru", "en"])
async def test_subscribe_with_a_typed_hour(app, lang) -> None:
    button, subscribe, typed, level, hour, done = lang
    chat = Chat(app, "pupil")
    await chat.onboard(button)
    intro = await chat.send("/daily")
    assert "📅" in intro[-1].text and labels(intro[-1])[0].endswith(subscribe)
    asked = await chat.click(subscribe)
    assert {"07:00", "08:00", "12:00", "20:00"} <= set(labels(asked[-1]))
    levels = await chat.send(typed)
    assert len(levels[-1].choices) == 3  # two levels and the menu
    confirmed = await chat.click(level)
    assert done in texts(confirmed) and "/stopdaily" in texts(confirmed)
    row = await subscription(app, "pupil")
    assert (row.hour, row.active, row.last_sent_on) == (hour, True, None)
    assert row.level == ("school" if button == "Қазақша" else "adult")
    # 11:00 in Kazakhstan now: 07:00 has gone today, 19:00 has not.
    assert row.starts_on == (TODAY if hour == 19 else TOMORROW)
    settings = await chat.send("/daily")
    assert f"{hour:02d}:00" in settings[-1].text and len(settings[-1].choices) == 4


@pytest.mark.parametrize(
    "typed, says",
    [
        ("25", "There is no hour 25 in a day"),
        ("-1", "There is no hour -1 in a day"),
        ("noon", "Please type the hour as a number from 0 to 23"),
        ("7:30", "please type a whole hour, for example 7"),
        ("<b>7</b>", "Please type the hour as a number from 0 to 23"),
        ("7" * 5000, "Please type the hour as a number from 0 to 23"),
    ],
    ids=["25", "minus-one", "noon", "half-past", "markup", "5000-characters"],
)
async def test_a_bad_hour_is_explained_and_changes_nothing(app, chat: Chat, typed: str, says: str) -> None:
    await chat.onboard()
    await chat.send("/daily")
    await chat.click("Subscribe")
    answer = await chat.send(typed)
    assert says in answer[0].text and len(answer[0].text) < 200
    assert "At what hour" in answer[-1].text  # asked again, with the hours
    assert "07:00" in labels(answer[-1])
    assert await subscriptions(app) == 0
    photo = await chat.other()
    assert "Please type the hour" in photo[0].text
    forged = await chat.press(DailyHour(99).id, chat.last_with_choices.choice_seq)
    assert "no longer valid" in texts(forged)
    await chat.send("8")
    await chat.click("School")
    assert (await subscription(app, "alice")).hour == 8


async def subscribe(chat: Chat, hour: str = "9", level: str = "School") -> None:
    await chat.send("/daily")
    await chat.click("Subscribe")
    await chat.send(hour)
    await chat.click(level)


async def test_change_the_hour_and_the_level(app, chat: Chat) -> None:
    await chat.onboard()
    await subscribe(chat, "20")
    await chat.send("/daily")
    await chat.click("Change the hour")
    changed = await chat.click("08:00")
    assert "now comes at 08:00" in changed[0].text
    assert "The next one: Jun 2, 2026" in changed[-1].text  # 08:00 has gone today
    row = await subscription(app, "alice")
    assert (row.hour, row.level, row.starts_on) == (8, "school", TOMORROW)
    await chat.click("Change the level")
    changed = await chat.click("Adult")
    assert "The level is now: 🧑 Adult level" in changed[0].text
    row = await subscription(app, "alice")
    assert (row.hour, row.level, row.starts_on) == (8, "adult", TOMORROW)


async def test_stop_with_the_command_the_button_and_the_settings(app, chat: Chat) -> None:
    await chat.onboard()
    await subscribe(chat)
    stopped = await chat.send("/stopdaily")
    assert "The daily question is stopped" in stopped[0].text
    assert (await subscription(app, "alice")).active is False
    again = await chat.send("/stopdaily")
    assert "You are not subscribed to the daily question" in again[0].text

    await subscribe(chat, "10", "Adult")  # subscribing again
    row = await subscription(app, "alice")
    assert (row.active, row.hour, row.level) == (True, 10, "adult")
    me = await user_id(app, "alice")
    stopped = await chat.press(DailyStop(me).id, None)  # the button under a daily question
    assert "The daily question is stopped" in stopped[0].text
    assert (await subscription(app, "alice")).active is False

    await subscribe(chat, "10")
    await chat.send("/daily")
    stopped = await chat.send("3")  # «Stop the daily question» typed by its number on the console
    assert "The daily question is stopped" in stopped[0].text
    assert (await subscription(app, "alice")).active is False


async def test_the_stop_button_works_for_its_owner_only(app, chat: Chat) -> None:
    await chat.onboard()
    await subscribe(chat)
    other = Chat(app, "bob")
    await other.onboard()
    await subscribe(other)
    forged = await other.press(DailyStop(await user_id(app, "alice")).id, None)
    assert "belongs to another person's daily question" in forged[0].text
    assert (await subscription(app, "alice")).active and (await subscription(app, "bob")).active
    malformed = await other.press("qday.stop:abc", None)
    assert "no longer valid" in malformed[0].text


async def test_mydata_and_forget(app, chat: Chat) -> None:
    await chat.onboard()
    await subscribe(chat, "18", "Adult")
    mine = await chat.send("/mydata")
    data = json.loads(next(r.document for r in mine if r.document).data)
    assert data["quiz_daily"]["hour_kazakhstan_time"] == 18 and data["quiz_daily"]["level"] == "adult"
    assert data["quiz_daily"]["active"] is True
    await chat.send("/forget")
    await chat.click("Yes, delete")
    assert await subscriptions(app) == 0
