"""A club round over Telegram, with the real aiogram polling loop against the Bot API emulator:
the leader creates a club and shares its t.me link, a member opens the link, joins, is told of the
round with an inline «Play» button, answers five quiz polls, and the leader sees the score."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel
from storage.quiz import QuizClub, QuizRound
from tests.e2e.conftest import bot, db, emulator, eventually, tg_settings  # noqa: F401  (fixtures)
from tests.quiz.test_telegram import Player, poll_stored
from tests.support.telegram_emulator import BOT_USERNAME, TelegramEmulator

LEADER, MEMBER = 770201, 770202


async def test_a_club_round_over_telegram(emulator: TelegramEmulator, bot, db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(TelegramChannel, "limits", RateLimits(per_chat_per_second=100, per_chat_burst=100))
    await bot.start()
    leader, member = Player(emulator, LEADER), Player(emulator, MEMBER)
    await emulator.user_sends_text(LEADER, "/start")
    await leader.press("English")
    await leader.press("✅")
    await leader.press("Eco quiz")
    await leader.press("Clubs")
    await leader.press("Create a club")
    await emulator.user_sends_text(LEADER, "Eco-squad")
    await leader.text("Which school or university")
    await emulator.user_sends_text(LEADER, "L. N. Gumilyov Eurasian National University")
    await leader.press("Astana")
    await leader.press("Create the club")
    code_screen = await leader.text("The club «Eco-squad» is created.")
    async with db() as s:
        club = await s.scalar(select(QuizClub))
    assert f"https://t.me/{BOT_USERNAME}?start=club-{club.join_code}" in code_screen.body

    await emulator.user_sends_text(MEMBER, f"/start club-{club.join_code}", language="ru")
    await member.press("Русский")
    await member.press("✅")
    await member.press("Не показывать")
    await member.text("Добро пожаловать в клуб «Eco-squad»")

    await emulator.user_sends_text(LEADER, "/clubs")
    await leader.press("Eco-squad")
    await leader.press("Start a club round")
    await leader.press("Clean air")
    await leader.press("School")
    await leader.press("1 day")
    await leader.press("Start the club round")
    card = await leader.expect("Rounds and results")
    assert "1 member was told" in card.body

    notice = await member.press("Играть раунд клуба")
    assert "Новый раунд в клубе «Eco-squad»" in notice.body
    for index in range(5):
        poll = await member.next_poll()
        await eventually(lambda: poll_stored(db, poll))
        assert poll.poll["question"].startswith(f"Вопрос {index + 1} из 5. ")
        await emulator.user_answers_poll(MEMBER, poll, poll.poll["correct_option_id"])
    await member.text("5 из 5")

    await emulator.user_presses(LEADER, card, "Rounds and results")
    await leader.press("1 of 1 played")
    results = await leader.text("• Member 1: 5 of 5")
    assert "Aigerim" not in results.body
    async with db() as s:
        [played] = (await s.scalars(select(QuizRound))).all()
    assert (played.kind, played.language, played.score, played.completed) == ("club", "ru", 5, True)
