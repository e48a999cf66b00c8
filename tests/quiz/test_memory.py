"""Spaced repetition and the daily streak, with the fake clock: missed questions come back first,
right ones later and later (Leitner boxes 1/3/7/21 days); the streak counts Kazakhstan's days."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from handlers.quiz import bank
from handlers.quiz.rounds import create_round, pick_questions
from handlers.quiz.stats import streaks
from storage.quiz import QuizQuestionMemory
from tests.quiz.support import answer_all, memory_of, rounds_of, start_round, user_id
from tests.support.chat import Chat, texts


async def test_the_leitner_order(app, clock) -> None:
    chat = Chat(app, "erlan")
    await chat.onboard("English")
    uid = await user_id(app, "erlan")
    water = [q.id for q in bank.questions("water", "school")]
    now = clock.now
    seen = {  # question: (box, due)
        water[0]: (3, now + timedelta(days=5)),
        water[1]: (1, now + timedelta(days=1)),
        water[2]: (2, now - timedelta(days=1)),  # due since yesterday
        water[3]: (0, now - timedelta(hours=1)),  # missed
    }
    async with app.sessions() as s, s.begin():
        for qid, (box, due) in seen.items():
            s.add(QuizQuestionMemory(user_id=uid, question_id=qid, box=box, due_at=due, last_seen_at=now, right=box, wrong=0))
    async with app.sessions() as s:
        picked = [q.id for q in await pick_questions(s, uid, topic="water", level="school", count=len(water), now=now)]
        five = [q.id for q in await pick_questions(s, uid, topic="water", level="school", count=5, now=now)]
    assert picked[:2] == [water[3], water[2]]  # missed first, then due
    assert set(picked[2:-2]) == set(water[4:])  # then never seen
    assert picked[-2:] == [water[1], water[0]]  # then the rest, soonest due first
    assert five[:2] == picked[:2] and set(five[2:]) <= set(water[4:])  # unseen ones in random order


async def test_right_answers_come_back_later_and_later(app, clock) -> None:
    chat = Chat(app, "aliya")
    await chat.onboard("English")
    uid = await user_id(app, "aliya")
    await answer_all(chat, await start_round(chat), [True, True, True, False, False])
    [first] = await rounds_of(app, uid)
    right, missed = first.question_ids[:3], first.question_ids[3:]
    memory = await memory_of(app, uid)
    assert all(memory[q].box == 1 and memory[q].due_at == clock.now + timedelta(days=1) for q in right)
    assert all(memory[q].box == 0 and memory[q].due_at == clock.now and memory[q].wrong == 1 for q in missed)

    # At once: the missed two, then the two never seen (clean air, school: 7 questions), then right ones.
    await chat.click("Menu")
    await answer_all(chat, await start_round(chat), [True] * 5)
    second = (await rounds_of(app, uid))[1]
    assert set(second.question_ids[:2]) == set(missed) and set(second.question_ids[2:4]).isdisjoint(first.question_ids)
    assert second.question_ids[4] in right

    # A day later the right ones of box 1 are due; the one answered right twice is in box 2 (3 days).
    clock.advance(days=1, minutes=1)
    memory = await memory_of(app, uid)
    twice = second.question_ids[4]
    assert (memory[twice].box, memory[twice].right) == (2, 2)
    assert memory[twice].due_at == clock.now - timedelta(days=1, minutes=1) + timedelta(days=3)
    await chat.click("Menu")
    await answer_all(chat, await start_round(chat), [True] * 5)
    third = (await rounds_of(app, uid))[2]
    due_now = {q for q, m in memory.items() if m.due_at <= clock.now}
    assert len(due_now) == 6 and twice not in due_now  # the other six, all in box 1, are due
    assert set(third.question_ids) <= due_now

    # Right answers climb to box 4 (21 days) and stay there.
    memory = await memory_of(app, uid)
    assert max(m.box for m in memory.values()) <= 4


def test_streaks_in_days() -> None:
    d = date(2026, 6, 10)
    assert streaks(set(), d) == (0, 0)
    assert streaks({d}, d) == (1, 1)
    assert streaks({d - timedelta(days=1), d - timedelta(days=2)}, d) == (2, 2)  # today not played yet
    assert streaks({d - timedelta(days=2)}, d) == (0, 1)
    days = {d - timedelta(days=n) for n in (0, 1, 5, 6, 7, 8)}
    assert streaks(days, d) == (2, 4)


async def test_the_streak_counts_kazakhstan_days(app, clock) -> None:
    chat = Chat(app, "gulnar")
    await chat.onboard("English")
    clock.now = datetime(2026, 6, 1, 18, 30, tzinfo=timezone.utc)  # 23:30 in Almaty (UTC+5)
    await answer_all(chat, await start_round(chat), [True] * 5)
    clock.advance(hours=1)  # 00:30 the next day in Almaty, the same day in UTC
    await chat.click("Menu")
    await answer_all(chat, await start_round(chat), [True] * 5)

    async def results() -> str:
        await chat.click("Menu")
        await chat.click("Eco quiz")
        return texts(await chat.click("My quiz results"))

    assert "Quiz streak: 2 days in a row" in await results()
    clock.advance(days=1)
    assert "Quiz streak: 2 days in a row" in await results()  # today is not over yet
    await chat.click("Menu")
    await answer_all(chat, await start_round(chat), [False] * 5)
    shown = await results()
    assert "Quiz streak: 3 days in a row" in shown and "Quiz rounds played: 3" in shown
    assert "Right answers: 10 of 15" in shown and "Best round: 5 of 5" in shown
    clock.advance(days=2)  # a day missed
    shown = await results()
    assert "Quiz streak: 0 days in a row" in shown and "Longest streak: 3 days" in shown


async def test_a_new_round_ends_the_open_one_of_its_kind_only(app, clock) -> None:
    chat = Chat(app, "zhanna")
    await chat.onboard("English")
    uid = await user_id(app, "zhanna")
    questions = list(bank.questions("water", "school")[:1])
    async with app.sessions() as s, s.begin():
        made = {
            name: await create_round(s, uid, questions, kind=kind, level="school", topic="water", language="en", now=clock.now, club_round_id=club)
            for name, kind, club in (("solo", "solo", None), ("daily", "daily", None), ("club 7", "club", 7), ("club 8", "club", 8))
        }
        await create_round(s, uid, questions, kind="club", level="school", topic="water", language="en", now=clock.now, club_round_id=7)
        await create_round(s, uid, questions, kind="solo", level="school", topic=None, language="en", now=clock.now)
    by_id = {r.id: r for r in await rounds_of(app, uid)}
    assert {name: by_id[r.id].finished_at is not None for name, r in made.items()} == {
        "solo": True, "daily": False, "club 7": True, "club 8": False,
    }
    assert len(by_id) == 6 and by_id[made["club 8"].id].club_round_id == 8
