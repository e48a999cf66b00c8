"""The daily question sent by the `daily_question` job on a controllable clock: at the subscriber's
hour (Kazakhstan time), once a day however often the job runs, made up after a missed run, in the
subscriber's language, answered like any quiz question (the answer, the streak and the spaced
repetition record), and never after /stopdaily, the button, /forget or a blocked chat.

The clock starts on 1 June 2026 at 06:00 UTC, 11:00 in Kazakhstan."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select, update

from bot.scheduler import run_job
from handlers.quiz import bank
from handlers.quiz.stats import quiz_record
from storage.models import OutboxMessage, OutboxStatus
from storage.quiz import QuizAnswer, QuizQuestionMemory, QuizRound, QuizSubscription
from tests.quiz.test_daily_screens import subscribe
from tests.support.chat import Chat, labels, texts
from tests.trees.support import user_id

JOB = "daily_question"


async def daily_rows(app, chat_id: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if chat_id:
        query = query.where(OutboxMessage.chat_id == chat_id)
    async with app.sessions() as s:
        return [row for row in (await s.scalars(query)).all() if row.payload.get("kind") == "daily_question"]


async def run(app) -> str:
    summary = await run_job(app, JOB)
    await app.sender.flush()
    return summary


async def rounds(app, kind: str = "daily") -> list[QuizRound]:
    async with app.sessions() as s:
        return list((await s.scalars(select(QuizRound).where(QuizRound.kind == kind).order_by(QuizRound.id))).all())


def question_of(round: QuizRound) -> bank.Question:
    question = bank.question(round.question_ids[0])
    assert question is not None
    return question


async def test_sent_at_the_hour_once_a_day_and_answered(app, clock) -> None:
    chat = Chat(app, "aigerim")
    await chat.onboard()
    await subscribe(chat, "12", "School")
    chat.seen = len(chat.history)
    assert (await run(app)).startswith("sent 0 daily questions")  # 11:00: not yet
    assert await daily_rows(app) == []

    clock.advance(hours=1)  # 12:00 in Kazakhstan
    assert (await run(app)).startswith("sent 1 daily questions")
    [row] = await daily_rows(app, "aigerim")
    assert row.status == OutboxStatus.SENT
    [round] = await rounds(app)
    question = question_of(round)
    assert round.level == "school" and question.level == "school" and round.language == "en"
    sent = chat.history[-1]
    assert sent.text.startswith("📅 Daily question") and question.text("en").question in sent.text
    assert "Question 1 of 1" not in sent.text
    assert sent.kind == "daily_question" and sent.quiz is not None
    assert sent.quiz.question.startswith("📅 Daily question: ")
    assert labels(sent) == [*question.text("en").options, "🔕 Stop the daily question"]
    assert sent.template_vars["1"] == question.text("en").question
    assert sent.template_vars["2"].startswith(f"1) {question.text('en').options[0]}; 2) ")

    clock.advance(minutes=30)
    assert (await run(app)).startswith("sent 0 daily questions")  # the same day: nothing more
    clock.advance(hours=11)  # 23:30 in Kazakhstan
    assert (await run(app)).startswith("sent 0 daily questions")
    assert len(await daily_rows(app)) == 1

    # The answer, typed as its number on the console, counts like any quiz answer.
    chat.seen = len(chat.history)
    wrong = (question.correct + 1) % len(question.text("en").options)
    answered = await chat.send(str(wrong + 1))
    assert "Not quite" in texts(answered) and question.text("en").explanation in texts(answered)
    async with app.sessions() as s:
        answer = await s.scalar(select(QuizAnswer).where(QuizAnswer.round_id == round.id))
        memory = await s.scalar(select(QuizQuestionMemory).where(QuizQuestionMemory.question_id == question.id))
        done = await s.get(QuizRound, round.id)
    assert (answer.option, answer.correct) == (wrong, False)
    assert memory.box == 0 and memory.wrong == 1 and done.finished_at is not None
    again = await chat.press(sent.choices[question.correct].id, None)  # pressed again: changes nothing
    assert "no longer counts" in texts(again)
    async with app.sessions() as s:
        assert await s.scalar(select(func.count(QuizAnswer.id))) == 1

    clock.advance(hours=1)  # 00:30 on 2 June: a new day, but 12:00 has not come yet
    assert (await run(app)).startswith("sent 0 daily questions")
    clock.advance(hours=12)  # 12:30: the job was late; still today's question
    assert (await run(app)).startswith("sent 1 daily questions")
    assert (await run(app)).startswith("sent 0 daily questions")
    second = (await rounds(app))[-1]
    # The question missed yesterday is due again (spaced repetition) and comes back first.
    assert second.question_ids == [question.id]
    chat.seen = len(chat.history)
    right = await chat.send(str(question.correct + 1))
    assert "Right!" in texts(right)
    me = await user_id(app, "aigerim")
    async with app.sessions() as s:
        subscription = await s.get(QuizSubscription, me)
        record = await quiz_record(s, me, clock.now)
    assert subscription.last_sent_on == date(2026, 6, 2)
    assert (record.streak, record.answered, record.correct) == (2, 2, 1)  # two days in a row


async def test_a_missed_run_is_made_up_once(app, clock) -> None:
    chat = Chat(app, "dana")
    await chat.onboard()
    await subscribe(chat, "8")  # from tomorrow: 08:00 has gone today
    clock.advance(hours=21)  # 08:00 on 2 June
    clock.advance(hours=7)  # the bot was down until 15:00
    assert (await run(app)).startswith("sent 1 daily questions")
    clock.advance(hours=1)
    assert (await run(app)).startswith("sent 0 daily questions")
    assert len(await daily_rows(app)) == 1


LANGS = [("Қазақша", "kk", "📅 Күннің сұрағы", "Күннің сұрағын тоқтату"), ("Русский", "ru", "📅 Вопрос дня", "Отключить вопрос дня")]


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru"])
async def test_in_the_subscribers_language(app, clock, lang) -> None:
    button, code, title, stop = lang
    chat = Chat(app, "pupil")
    await chat.onboard(button)
    await chat.send("/daily")
    await chat.send("1")  # subscribe
    await chat.send("12")
    await chat.send("2")  # adult
    clock.advance(hours=1)
    await run(app)
    [round] = await rounds(app)
    question = question_of(round)
    sent = chat.history[-1]
    assert round.language == code and question.level == "adult"
    assert sent.text.startswith(title) and question.text(code).question in sent.text
    assert labels(sent)[-1].endswith(stop)


async def test_nothing_after_stopping(app, clock) -> None:
    command, button = Chat(app, "by-command"), Chat(app, "by-button")
    for chat in (command, button):
        await chat.onboard()
        await subscribe(chat, "12")
    clock.advance(hours=1)
    assert (await run(app)).startswith("sent 2 daily questions")
    button.seen = len(button.history)
    stopped = await button.click("Stop the daily question")  # under the question it got
    assert "The daily question is stopped" in stopped[0].text
    await command.send("/stopdaily")
    clock.advance(days=1)
    assert (await run(app)).startswith("sent 0 daily questions")
    assert len(await daily_rows(app)) == 2


async def test_nothing_to_forgotten_or_blocked_people(app, clock) -> None:
    forgotten, blocked, fine = Chat(app, "forgotten"), Chat(app, "blocked"), Chat(app, "fine")
    for chat in (forgotten, blocked, fine):
        await chat.onboard()
        await subscribe(chat, "12")
    await forgotten.send("/forget")
    await forgotten.click("Yes, delete")
    async with app.sessions() as s, s.begin():  # the platform refused the latest message: blocked
        latest = select(func.max(OutboxMessage.id)).where(OutboxMessage.chat_id == "blocked").scalar_subquery()
        await s.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == latest)
            .values(status=OutboxStatus.FAILED, last_error="Forbidden: bot was blocked by the user")
        )
    clock.advance(hours=1)
    summary = await run(app)
    assert summary.startswith("sent 1 daily questions") and "1 not reachable" in summary
    assert [row.chat_id for row in await daily_rows(app)] == ["fine"]
    assert "unreachable" not in summary  # the forgotten person has no subscription left at all

    await blocked.send("/start")  # they unblocked the bot and wrote: the answer went out
    clock.advance(minutes=10)
    assert (await run(app)).startswith("sent 1 daily questions")
    assert [row.chat_id for row in await daily_rows(app)] == ["fine", "blocked"]
