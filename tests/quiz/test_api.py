"""The rounds API as the daily question and club rounds use it: a round created and its question
sent by a job (no conversation step, no Ctx), answered later by a typed number or a button."""

from __future__ import annotations

from bot.i18n import translators
from handlers.quiz import bank
from handlers.quiz.rounds import create_round, pick_questions, question_reply
from storage.outbox import queue_message
from tests.quiz.support import answers_of, rounds_of, user_id
from tests.support.chat import Chat, texts


async def send_daily(app, uid: int, chat: str, now) -> int:
    """What a job does: pick one question, make a round of one, queue the question."""
    async with app.sessions() as s, s.begin():
        [question] = await pick_questions(s, uid, topic=None, level="adult", count=1, now=now)
        round = await create_round(s, uid, [question], kind="daily", level="adult", topic=None, language="ru", now=now)
        reply = question_reply(translators()["ru"], round, question, "ru")
        queue_message(s, "console", chat, reply.to_json(), now)
        round_id = round.id
    await app.sender.flush()
    return round_id


async def test_a_question_sent_by_a_job_is_answered_by_number(app, clock) -> None:
    chat = Chat(app, "bolat")
    await chat.onboard("Русский")
    uid = await user_id(app, "bolat")
    round_id = await send_daily(app, uid, "bolat", clock.now)
    sent = chat.history[-1]
    assert sent.quiz is not None and sent.text.startswith("❓ Вопрос 1 из 1") and sent.choice_seq is None
    chat.seen = len(chat.history)

    clock.advance(hours=3)
    replies = await chat.send(str(sent.quiz.correct + 1))
    assert replies[0].quiz_feedback and "Верно!" in replies[0].text
    assert "Правильных ответов: 1 из 1" in texts(replies)
    [round] = await rounds_of(app, uid)
    assert (round.kind, round.score, round.finished_at) == ("daily", 1, clock.now)
    [answer] = await answers_of(app, round_id)
    assert answer.correct and answer.answered_at == clock.now and bank.question(answer.question_id).level == "adult"

    again = await chat.press(sent.quiz.option_ids[0], None)
    assert "Этот раунд викторины уже окончен" in texts(again)
    assert len(await answers_of(app, round_id)) == 1
