"""A round of five on the console, in each language: the quiz home, a topic and a level, five
questions answered by number with a right/wrong follow-up each, and the finish screen with the
score, the missed questions explained and «Play again»."""

from __future__ import annotations

import pytest

from bot.channels.whatsapp.render import reply_text
from bot.i18n import translators
from handlers.quiz import bank
from handlers.quiz.home import HOME_BUTTONS
from handlers.quiz.rounds import question_reply
from storage.quiz import QuizRound
from tests.quiz.support import LANGS, answer_all, answers_of, memory_of, question_of, rounds_of, start_round, user_id
from tests.support.chat import Chat, labels, texts


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_a_full_round(app, language: str) -> None:
    button, quiz, play, topic, level, right, score = LANGS[language]
    chat = Chat(app, f"player-{language}")
    await chat.onboard(button)
    home = await chat.click(quiz)
    assert len(labels(home[-1])) == len(HOME_BUTTONS) + 1  # Play, My quiz results, the other parts' buttons, Menu
    topics = await chat.click(play)
    assert len(labels(topics[-1])) == len(bank.topics()) + 2  # every topic, mixed, Menu
    await chat.click(topic)
    first = question_of(await chat.click(level))
    assert first.quiz is not None and first.text.endswith(first.quiz.question.split(". ", 1)[1])
    assert labels(first)[:-1] == list(first.quiz.options)  # the options as a numbered list, then Menu

    question, missed = first, []
    for index, is_right in enumerate([True, False, True, True, False]):
        assert question.quiz is not None
        if not is_right:
            missed.append(question.quiz)
        number = str(question.quiz.correct + 1) if is_right else str((question.quiz.correct + 1) % len(question.quiz.options) + 1)
        replies = await chat.send(number)
        follow_up = replies[0]
        assert follow_up.quiz_feedback and question.quiz.explanation in follow_up.text
        assert (right in follow_up.text) == is_right
        if index < 4:
            question = question_of(replies)
    finish = replies[-1]
    assert score.format(s=3) in finish.text
    for quiz_poll in missed:  # each missed question with its right answer and explanation
        assert quiz_poll.options[quiz_poll.correct] in finish.text and quiz_poll.explanation in finish.text
    assert len(labels(finish)) == 2  # Play again, Menu

    uid = await user_id(app, f"player-{language}")
    [round] = await rounds_of(app, uid)
    assert (round.kind, round.topic, round.level, round.language) == ("solo", "air", "school", language)
    assert (round.score, round.position, round.finished_at is not None) == (3, 5, True)
    answers = await answers_of(app, round.id)
    assert [a.correct for a in answers] == [True, False, True, True, False]
    assert [a.question_id for a in answers] == round.question_ids
    memory = await memory_of(app, uid)
    assert sorted(m.box for m in memory.values()) == [0, 0, 1, 1, 1]

    again = question_of(await chat.click("🔁"))
    rounds = await rounds_of(app, uid)
    assert len(rounds) == 2 and (rounds[1].topic, rounds[1].level) == ("air", "school")
    # The two missed questions come back first.
    assert set(rounds[1].question_ids[:2]) == {a.question_id for a in answers if not a.correct}
    assert again.quiz is not None


async def test_mixed_topics_and_the_adult_level(app) -> None:
    chat = Chat(app, "dana")
    await chat.onboard("English")
    await start_round(chat, topic="Mixed", level="Adult")
    [round] = await rounds_of(app, await user_id(app, "dana"))
    assert round.topic is None and round.level == "adult" and len(round.question_ids) == 5
    assert all(bank.question(q).level == "adult" for q in round.question_ids)


async def test_the_menu_is_one_press_away_at_every_step(app) -> None:
    chat = Chat(app, "arman")
    await chat.onboard("English")
    for steps in ([], ["Play"], ["Play", "Clean air"], ["Play", "Clean air", "School"]):
        await chat.click("Eco quiz")
        for step in steps:
            await chat.click(step)
        menu = await chat.click("Menu")
        assert "Eco quiz" in " ".join(labels(menu[-1]))
    # Starting another round ends the one left half-way: its questions no longer count.
    first = await start_round(chat)
    rounds = await rounds_of(app, await user_id(app, "arman"))
    assert [r.finished_at is not None for r in rounds] == [True, False]
    assert first.quiz is not None


async def test_results_and_profile(app, clock) -> None:
    chat = Chat(app, "saule")
    await chat.onboard("English")
    await chat.click("Eco quiz")
    empty = await chat.click("My quiz results")
    assert "not played the eco quiz yet" in texts(empty)
    await chat.click("Menu")
    await answer_all(chat, await start_round(chat), [True, True, True, True, False])
    await chat.click("Menu")
    await chat.click("Eco quiz")
    shown = texts(await chat.click("My quiz results"))
    assert "Quiz rounds played: 1" in shown and "Right answers: 4 of 5" in shown and "Best round: 4 of 5" in shown
    assert "Quiz streak: 1 day in a row" in shown and "Best topic: Clean air" in shown
    await chat.click("Menu")
    profile = texts(await chat.click("My profile"))
    assert "Quiz rounds played: 1" in profile and "Quiz streak: 1 day in a row" in profile


def test_whatsapp_shows_a_question_as_a_numbered_list() -> None:
    question = bank.questions("water", "adult")[0]
    round = QuizRound(id=12, question_ids=[question.id, "x", "y"], position=0)
    for language in ("kk", "ru", "en"):
        reply = question_reply(translators()[language], round, question, language)
        text = question.text(language)
        body = reply_text(reply)
        assert body.startswith("❓") and text.question in body
        assert all(f"{n}. {option}" in body for n, option in enumerate(text.options, 1))
        assert reply.quiz is not None and reply.quiz.option_ids[1] == "qz:12:0:1"
        assert reply.quiz.question.endswith(text.question) and "1" in reply.quiz.question.split(text.question)[0]
