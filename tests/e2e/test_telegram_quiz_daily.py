"""The daily question over Telegram, with the real aiogram polling loop and the Bot API emulator:
subscribing with a typed hour, the job's question as a native quiz poll (not anonymous, titled as
the daily question) with «Stop the daily question» as its button, the answer as a poll_answer
update, and the button that stops it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel
from bot.scheduler import run_job
from handlers.i18n import KZ_TZ
from storage.quiz import QuizAnswer, QuizSubscription
from tests.e2e.conftest import eventually
from tests.e2e.test_telegram_report import TgUser

CHAT = 880177


async def test_daily_question_as_a_quiz_poll(emulator, bot, db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TelegramChannel, "limits", RateLimits(per_chat_per_second=100, per_chat_burst=100))
    app = await bot.start()
    user = TgUser(emulator, CHAT)
    await emulator.user_sends_text(CHAT, "/start")
    await user.press("English")
    await user.press("✅")
    await user.press("Eco quiz")
    await user.press("Daily question")
    await user.press("Subscribe")
    await user.expect("07:00")
    await emulator.user_sends_text(CHAT, "7")
    await user.press("Adult")
    await user.expect("Stop the daily question")  # the settings screen

    async with db() as s:  # the bot runs on the real clock: make today's question due now
        subscription = await s.scalar(select(QuizSubscription))
        assert (subscription.hour, subscription.level) == (7, "adult")
        subscription.hour = 0
        subscription.starts_on = app.engine.clock().astimezone(KZ_TZ).date()
        await s.commit()
    assert (await run_job(app, "daily_question")).startswith("sent 1 daily questions")
    poll = await user.expect("Stop the daily question")
    assert poll.method == "sendPoll" and poll.poll is not None
    assert poll.poll["type"] == "quiz" and poll.poll["is_anonymous"] is False
    assert poll.poll["question"].startswith("📅 Daily question: ")
    assert poll.labels() == ["🔕 Stop the daily question"]  # the options are the poll's own

    await emulator.user_answers_poll(CHAT, poll, poll.poll["correct_option_id"])

    async def answered() -> QuizAnswer | None:
        async with db() as s:
            return await s.scalar(select(QuizAnswer))

    answer = await eventually(answered)
    assert answer.correct is True
    assert (await run_job(app, "daily_question")).startswith("sent 0 daily questions")

    await emulator.user_presses(CHAT, poll, "Stop the daily question")

    async def stopped() -> bool:
        async with db() as s:
            return (await s.scalar(select(QuizSubscription))).active is False

    await eventually(stopped)
