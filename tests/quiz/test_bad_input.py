"""What does not answer the question asked now gets a clear answer and changes nothing: text or a
number out of range at a question, a button of a finished round or of a question already
answered, another person's round, an option the question does not have, a malformed button."""

from __future__ import annotations

from handlers.quiz.buttons import QuizPick
from tests.quiz.support import answers_of, question_of, rounds_of, start_round, user_id, wrong_number
from tests.support.chat import Chat, labels, texts


async def test_text_and_numbers_out_of_range_at_a_question(app) -> None:
    chat = Chat(app, "nurlan")
    await chat.onboard("English")
    question = await start_round(chat)
    assert question.quiz is not None
    count = len(question.quiz.options)

    said = await chat.send("I think it is the second one")
    assert f"Please answer with the number of an option, from 1 to {count}." in texts(said)
    assert question_of(said).quiz == question.quiz  # the same question again

    said = await chat.send("9")
    assert f"There is no option 9. Please send a number from 1 to {count}." in texts(said)
    assert question_of(said).quiz == question.quiz

    said = await chat.other()  # a sticker
    assert "Please answer with the number of an option" in texts(said)
    said = await chat.location(51.1, 71.4)
    assert question_of(said).quiz == question.quiz

    [round] = await rounds_of(app, await user_id(app, "nurlan"))
    assert round.position == 0 and await answers_of(app, round.id) == []

    # The option's own text is an answer too.
    label = question.quiz.options[question.quiz.correct]
    said = await chat.send(label)
    assert said[0].quiz_feedback and "Right!" in said[0].text


async def test_stale_repeated_forged_and_out_of_range_buttons(app) -> None:
    chat = Chat(app, "madina")
    await chat.onboard("English")
    first = await start_round(chat)
    uid = await user_id(app, "madina")
    [round] = await rounds_of(app, uid)

    second = question_of(await chat.send(wrong_number(first)))  # question 1 answered (wrong)
    # The first question's button again: the answer stands as it was.
    again = await chat.press(QuizPick(round.id, 0, first.quiz.correct).id, first.choice_seq)
    assert "You have already answered this question." in texts(again)
    # A question not asked yet.
    ahead = await chat.press(QuizPick(round.id, 3, 0).id, second.choice_seq)
    assert "This quiz question is not open for you" in texts(ahead)
    # An option the question does not have: said, and the question asked again.
    beyond = await chat.press(QuizPick(round.id, 1, 7).id, second.choice_seq)
    assert "This question has no such option" in texts(beyond) and question_of(beyond).quiz == second.quiz
    # Someone else presses (or forges) a button of this round.
    other = Chat(app, "timur")
    await other.onboard("English")
    forged = await other.press(QuizPick(round.id, 1, second.quiz.correct).id, None)
    assert "This quiz question is not open for you" in texts(forged)
    assert "Eco quiz" in " ".join(labels(forged[-1]))  # and their menu

    [stored] = await rounds_of(app, uid)
    assert (stored.position, stored.score) == (1, 0)
    assert [(a.index, a.correct) for a in await answers_of(app, round.id)] == [(0, False)]

    # The round finished, a button of it is late.
    question = question_of(beyond)
    for index in range(4):
        replies = await chat.send(str(question.quiz.correct + 1))
        if index < 3:
            question = question_of(replies)
    assert "Right answers: 4 of 5" in replies[-1].text
    late = await chat.press(QuizPick(round.id, 4, 0).id, second.choice_seq)
    assert "This quiz round is over, so this answer no longer counts." in texts(late)
    [done] = await rounds_of(app, uid)
    assert (done.position, done.score, done.finished_at is not None) == (5, 4, True)
    assert len(await answers_of(app, round.id)) == 5

    # A malformed id: the engine's own answer, and the menu.
    broken = await chat.press("qz:1:x:0", None)
    assert "This button is no longer valid" in texts(broken)
