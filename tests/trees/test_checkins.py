"""Survival check-ins with a clock the test moves: asked 6 and 12 months after a planting through
the outbox, answered with a count and a photo, «later» asks again in a week, no answer in 30 days
is recorded as unknown; running the job twice asks nothing twice."""

from __future__ import annotations

from datetime import date

from tests.support import images
from tests.support.chat import Chat, labels, texts
from tests.trees.support import checkins, plant, planting, run_checkins, user_id

# The test clock starts on 1 June 2026; plantings logged then, planted the day before.
PLANTED = date(2026, 5, 31)


async def test_six_months_asked_answered_and_shown(app, chat: Chat, clock) -> None:
    await chat.onboard("Русский")
    pid = await plant(app, await user_id(app, "alice"), count=10, planted_on=PLANTED)
    clock.advance(days=150)
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"
    clock.advance(days=35)  # 30 Nov: six months after 31 May
    assert await run_checkins(app) == "asked 1, reminded 0, recorded 0 unanswered"
    question = chat.history[-1]
    assert "6 месяцев назад" in question.text and question.kind == "reminder"
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"
    assert chat.history[-1] == question  # asked once

    await chat.click("Ответить")
    await chat.send("8")
    done = await chat.photo(images.jpeg(9))
    assert "Проверка записана" in texts(done) and "8 из 10" in done[-1].text
    (row,) = await checkins(app)
    assert row.months == 6 and row.answered_at == clock.now
    capture = (await planting(app, pid)).captures[-1]
    assert (capture.source, capture.alive) == ("checkin", 8) and capture.photo_path
    again = await chat.click("Ответить") if "Ответить" in " ".join(labels(chat.last_with_choices)) else None
    assert again is None  # the card's buttons replaced the question's
    answered_twice = await chat.press(f"treecheck:answer:{pid}:6", None)
    assert "уже ответили" in texts(answered_twice)


async def test_later_asks_again_in_a_week_and_no_answer_is_unknown(app, chat: Chat, clock) -> None:
    await chat.onboard()
    pid = await plant(app, await user_id(app, "alice"), count=3, planted_on=PLANTED)
    clock.advance(days=183)
    await run_checkins(app)
    later = await chat.click("Remind me in a week")
    assert "ask again in a week" in texts(later)
    clock.advance(days=6)
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"
    clock.advance(days=1)
    assert await run_checkins(app) == "asked 0, reminded 1, recorded 0 unanswered"
    assert "6 months ago" in chat.history[-1].text
    clock.advance(days=29)
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"
    clock.advance(days=1)
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 1 unanswered"
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"
    stored = await planting(app, pid)
    assert [(c.source, c.alive) for c in stored.captures] == [("no_answer", None)]
    assert stored.state == "unknown"  # never "dead"
    card = await chat.send("/trees")
    assert "unknown: no answer" in card[-1].text
    late = await chat.press(f"treecheck:later:{pid}:6", None)  # «later», pressed after the month
    assert "ask again in a week" in texts(late)
    clock.advance(days=7)
    assert await run_checkins(app) == "asked 0, reminded 1, recorded 0 unanswered"
    clock.advance(days=31)
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"  # one "unknown"

    clock.advance(days=112)  # twelve months after planting: the next round
    assert await run_checkins(app) == "asked 1, reminded 0, recorded 0 unanswered"
    assert "12 months ago" in chat.history[-1].text


async def test_rounds_before_logging_are_not_asked_nor_forgotten_people(app, chat: Chat, clock) -> None:
    await chat.onboard()
    me = await user_id(app, "alice")
    await plant(app, me, planted_on=date(2025, 9, 1))  # logged 9 months after: 6 months is past
    await plant(app, None, planted_on=PLANTED)  # the planter used /forget
    assert await run_checkins(app) == "asked 0, reminded 0, recorded 0 unanswered"
    assert [(c.months, c.asked_at) for c in await checkins(app)] == [(6, None)]
    clock.advance(days=100)  # 1 Sep 2026: twelve months
    assert await run_checkins(app) == "asked 1, reminded 0, recorded 0 unanswered"


async def test_forged_check_in_for_someone_elses_planting(app, chat: Chat, clock) -> None:
    await chat.onboard()
    bob = Chat(app, "bob")
    await bob.onboard()
    theirs = await plant(app, await user_id(app, "bob"), planted_on=PLANTED)
    clock.advance(days=183)
    await run_checkins(app)
    forged = await chat.press(f"treecheck:later:{theirs}:6", None)
    assert "not among your trees" in texts(forged)
    malformed = await chat.press(f"treecheck:later:{theirs}:x", None)
    assert "no longer valid" in texts(malformed)
    (row,) = await checkins(app)
    assert row.remind_at is None
