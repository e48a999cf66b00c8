"""«My trees»: the list a page at a time, a planting's card with its photos over time, a capture
added from the card, and buttons naming someone else's planting."""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from storage.trees import TreeCapture
from tests.support import images
from tests.support.chat import Chat, labels, texts
from tests.trees.support import count, plant, planting, user_id

LANGS = [
    # button, my trees, planted (card), all alive, none yet, check-in recorded
    ("Қазақша", "Менің ағаштарым", "Отырғызылған күні", "барлығы тірі", "әлі тексерілмеген", "Тексеру жазылды"),
    ("Русский", "Мои деревья", "Дата посадки", "все живы", "ещё не проверено", "Проверка записана"),
    ("English", "My trees", "Planted", "all alive", "not checked yet", "check-in is recorded"),
]


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru", "en"])
async def test_list_card_and_a_capture(app, lang) -> None:
    button, my_trees, planted, all_alive, not_checked, recorded = lang
    chat = Chat(app, "aigerim")
    await chat.onboard(button)
    empty = await chat.click(my_trees)
    assert "➕" in " ".join(labels(empty[-1])) and "1." not in empty[-1].text
    me = await user_id(app, "aigerim")
    photo = (await app.engine.router.services["photos"].ingest(images.jpeg(3))).path
    pid = await plant(app, me, count=12, photo=photo)

    await chat.send("/trees")
    listed = chat.last
    assert "× 12" in listed.text and not_checked in listed.text
    card = await chat.click("× 12")
    assert card[0].photo_path == photo  # the planting's photo comes first
    assert planted in card[-1].text and "51.12820, 71.43060" in card[-1].text

    await chat.click("➕")  # add a check-in
    await chat.send("12")
    done = await chat.photo(images.jpeg(4))
    assert recorded in texts(done) and all_alive in done[-1].text
    assert [r.photo_path is not None for r in done].count(True) == 2  # both photos over time
    stored = await planting(app, pid)
    latest = stored.captures[-1]
    assert (latest.source, latest.alive, latest.added_by_id) == ("citizen", 12, me)


async def test_list_is_paged(app, chat: Chat) -> None:
    await chat.onboard()
    me = await user_id(app, "alice")
    for day in range(1, 8):
        await plant(app, me, count=day, planted_on=date(2026, 5, day))
    first = await chat.click("My trees")
    assert "7 plantings, 28 trees in all" in first[-1].text
    assert "× 7" in first[-1].text and "× 3" in first[-1].text and "× 2" not in first[-1].text
    older = await chat.click("Older plantings")
    assert "× 2" in older[-1].text and "× 1" in older[-1].text and "× 7" not in older[-1].text
    assert "6. " in older[-1].text
    newer = await chat.click("Newer plantings")
    assert "× 7" in newer[-1].text


async def test_capture_bad_input_changes_nothing(app, chat: Chat) -> None:
    await chat.onboard()
    pid = await plant(app, await user_id(app, "alice"), count=10)
    await chat.click("My trees")
    await chat.click("× 10")
    await chat.click("Add a check-in")
    for answer, hint in (("11", "no more than 10"), ("-1", "as a number"), ("many", "as a number")):
        replies = await chat.send(answer)
        assert hint in replies[0].text, answer
    await chat.send("2")  # two trees alive, not the second button («None survived»)
    refused = await chat.photo(images.pdf())
    assert "not a photo I can read" in refused[0].text
    assert await count(app, TreeCapture) == 0
    await chat.click("Skip")
    stored = await planting(app, pid)
    assert [c.alive for c in stored.captures] == [2] and stored.state == "some_alive"


async def test_someone_elses_planting_is_refused(app, chat: Chat) -> None:
    await chat.onboard()
    other = Chat(app, "bob")
    await other.onboard()
    theirs = await plant(app, await user_id(app, "bob"), count=5)
    await plant(app, await user_id(app, "alice"), count=3)
    listing = await chat.click("My trees")
    assert "× 5" not in listing[-1].text
    forged = await chat.press(f"trees:open:{theirs}", chat.last.choice_seq)
    assert "button is no longer valid" in texts(forged)  # not offered to this chat
    answered = await chat.press(f"treecheck:answer:{theirs}:6", None)
    assert "not among your trees" in texts(answered)
    assert (await planting(app, theirs)).captures == []


async def test_state_of_a_planting_follows_its_latest_capture(app) -> None:
    at = datetime(2026, 1, 1, tzinfo=timezone.utc)
    pid = await plant(app, None, count=4, alive=[(at, 4), (at.replace(month=3), 1)])
    assert (await planting(app, pid)).state == "some_alive"
