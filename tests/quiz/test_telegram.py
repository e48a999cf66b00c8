"""The quiz on Telegram: questions as native quiz polls and answers as `poll_answer` updates.

First the channel alone against the Bot API emulator (what a quiz reply becomes, what a poll
answer becomes), then a whole round with the real aiogram polling loop, including a late, a
repeated and a forged poll answer that change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiogram.types import Update
from sqlalchemy import select

from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel, units
from bot.channels.telegram_updates import ALLOWED_UPDATES, to_incoming
from handlers.types import Choice, Kind, QuizPoll, Reply
from storage.models import OutboxMessage, OutboxStatus
from storage.quiz import QuizAnswer, QuizRound
from tests.e2e.conftest import bot, db, emulator, eventually, tg_settings  # noqa: F401  (fixtures)
from tests.e2e.test_telegram_channel import make_channel
from tests.e2e.test_telegram_report import TgUser
from tests.support.telegram_emulator import Sent, TelegramEmulator

CHAT = 770011
INTRUDER = 770099
POLL = QuizPoll("1/5. Which bin for glass?", ("Green", "Blue", "Yellow"), 0, "Glass goes in the green bin.", ("qz:1:0:0", "qz:1:0:1", "qz:1:0:2"))


async def test_a_quiz_reply_is_a_native_quiz_poll(emulator, tmp_path: Path) -> None:
    channel = make_channel(emulator.url, tmp_path)
    try:
        choices = (*(Choice(i, o) for i, o in zip(POLL.option_ids, POLL.options)), Choice("menu", "⬅️ Menu"))
        sent_id = await channel.send(str(CHAT), Reply(text="Question 1 of 5", choices=choices, choice_seq=4, quiz=POLL))
        assert await channel.send(str(CHAT), Reply(text="✅ Right! Glass...", quiz_feedback=True)) is None
        [poll] = emulator.messages_to(CHAT)  # the follow-up was not sent: the poll shows it
        [call] = emulator.calls_of("sendpoll")
        assert (call["type"], call["is_anonymous"], call["explanation"]) == ("quiz", "false", POLL.explanation)
        assert poll.poll["correct_option_id"] == 0 and [o["text"] for o in poll.poll["options"]] == list(POLL.options)
        assert poll.labels() == ["⬅️ Menu"]  # the options are the poll's, the way back stays a button
        assert sent_id == f"poll:{poll.poll['id']}"
    finally:
        await channel.bot.session.close()


async def test_the_emulator_refuses_polls_over_telegrams_limits(emulator, tmp_path: Path) -> None:
    channel = make_channel(emulator.url, tmp_path)
    try:
        for quiz in (
            QuizPoll("q" * 301, ("a", "b"), 0, "", ("x", "y")),
            QuizPoll("q", ("a" * 101, "b"), 0, "", ("x", "y")),
            QuizPoll("q", ("a", "b"), 0, "e" * 201, ("x", "y")),
            QuizPoll("q", tuple("abcdefghijk"), 0, "", tuple("abcdefghijk")),
            QuizPoll("q", ("a", "b"), 2, "", ("x", "y")),
        ):
            with pytest.raises(Exception, match="Bad Request"):
                await channel.send(str(CHAT), Reply(text="q", quiz=quiz))
        assert emulator.messages_to(CHAT) == []
    finally:
        await channel.bot.session.close()


def test_a_poll_answer_becomes_an_incoming_without_a_chat_of_its_own() -> None:
    assert "poll_answer" in ALLOWED_UPDATES
    user = {"id": CHAT, "is_bot": False, "first_name": "Aigerim", "language_code": "kk"}
    answer = {"poll_id": "5000000000000000001", "user": user, "option_ids": [2], "option_persistent_ids": ["2"]}
    incoming = to_incoming(Update.model_validate({"update_id": 9, "poll_answer": answer}))
    assert incoming is not None and incoming.kind is Kind.POLL_ANSWER
    assert (incoming.chat_id, incoming.sender_id, incoming.poll_id, incoming.poll_option) == (
        str(CHAT), str(CHAT), "poll:5000000000000000001", 2
    )
    retracted = {**answer, "option_ids": [], "option_persistent_ids": []}
    assert to_incoming(Update.model_validate({"update_id": 10, "poll_answer": retracted})) is None
    on_behalf_of_a_chat = {k: v for k, v in answer.items() if k != "user"} | {"voter_chat": {"id": -100, "type": "channel"}}
    assert to_incoming(Update.model_validate({"update_id": 11, "poll_answer": on_behalf_of_a_chat})) is None


class Player(TgUser):
    async def next_poll(self) -> Sent:
        def newest() -> Sent | None:
            polls = [m for m in self.emulator.messages_to(self.chat)[self.seen :] if m.method == "sendPoll"]
            return polls[-1] if polls else None

        poll = await self.emulator.wait_for(newest, what="a quiz poll")
        self.seen = len(self.emulator.messages_to(self.chat))
        return poll

    async def text(self, words: str) -> Sent:
        def newest() -> Sent | None:
            found = [m for m in self.emulator.messages_to(self.chat)[self.seen :] if words in m.body]
            return found[-1] if found else None

        message = await self.emulator.wait_for(newest, what=repr(words))
        self.seen = len(self.emulator.messages_to(self.chat))
        return message


async def poll_stored(sessions, poll: Sent) -> bool:
    """The outbox marked the poll sent with its id: only then can an answer find it (a person
    cannot answer a poll before it arrives, a test can)."""
    async with sessions() as s:
        row = await s.scalar(select(OutboxMessage).where(OutboxMessage.external_id == f"poll:{poll.poll['id']}"))
        return row is not None and row.status == OutboxStatus.SENT


async def test_a_round_of_quiz_polls(emulator: TelegramEmulator, bot, db, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    monkeypatch.setattr(TelegramChannel, "limits", RateLimits(per_chat_per_second=100, per_chat_burst=100))
    await bot.start()
    user = Player(emulator, CHAT)
    await emulator.user_sends_text(CHAT, "/start")
    await user.press("English")
    await user.press("✅")
    await user.press("Eco quiz")
    await user.press("Play")
    await user.press("Clean air")
    await user.press("School")

    polls: list[Sent] = []
    for index, right in enumerate([True, True, False, True, False]):
        poll = await user.next_poll()
        polls.append(poll)
        await eventually(lambda: poll_stored(db, poll))
        params = emulator.calls_of("sendpoll")[-1]
        assert (poll.poll["type"], poll.poll["is_anonymous"]) == ("quiz", False)
        assert params["explanation"] and units(params["explanation"]) <= 200 and units(poll.poll["question"]) <= 300
        assert 3 <= len(poll.poll["options"]) <= 4 and all(units(o["text"]) <= 100 for o in poll.poll["options"])
        assert poll.poll["question"].startswith(f"Question {index + 1} of 5. ") and poll.labels() == ["⬅️ Menu"]
        correct = poll.poll["correct_option_id"]
        if index == 4:
            # Before the last answer: someone else answers this poll (forwarded, or forged).
            await emulator.user_answers_poll(CHAT, poll, correct, user=INTRUDER)
            told = await emulator.wait_messages(INTRUDER, 1)
            assert "This quiz question is not open for you" in told[0].body
            # And the person answers the previous poll once more.
            await emulator.user_answers_poll(CHAT, polls[3], 0)
            await user.text("You have already answered this question.")
            again = await user.next_poll()  # the open question, asked again
            assert again.poll["question"] == poll.poll["question"]
            await eventually(lambda: poll_stored(db, again))
            poll = again
        await emulator.user_answers_poll(CHAT, poll, correct if right else (correct + 1) % len(poll.poll["options"]))
    finish = await user.expect("Play again")
    assert "Right answers: 3 of 5" in finish.body and "What you missed:" in finish.body

    # A late answer, to the first poll of the finished round.
    await emulator.user_answers_poll(CHAT, polls[0], 1)
    await user.text("This quiz round is over, so this answer no longer counts.")

    # No right/wrong message was sent: the polls showed it.
    bodies = [m.body for m in emulator.messages_to(CHAT)]
    assert not any(b.startswith(("✅ Right!", "❌ Not quite")) for b in bodies)
    async with db() as s:
        [round] = (await s.scalars(select(QuizRound))).all()
        answers = (await s.scalars(select(QuizAnswer).order_by(QuizAnswer.index))).all()
    assert (round.score, round.position, round.finished_at is not None) == (3, 5, True)
    assert [a.correct for a in answers] == [True, True, False, True, False]
    assert [a.question_id for a in answers] == round.question_ids
