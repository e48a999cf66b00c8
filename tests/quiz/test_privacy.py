"""/mydata holds the person's quiz rounds, answers and question memory; /forget erases them and
leaves other people's quiz rows alone."""

from __future__ import annotations

import json

from sqlalchemy import func, select

from storage.quiz import QuizAnswer, QuizQuestionMemory, QuizRound
from tests.quiz.support import answer_all, start_round
from tests.support.chat import Chat


async def count(app, model) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def test_mydata_and_forget(app) -> None:
    leaving, staying = Chat(app, "leaving"), Chat(app, "staying")
    for chat in (leaving, staying):
        await chat.onboard("English")
        await answer_all(chat, await start_round(chat), [True, False, True, False, True])
        await chat.click("Menu")

    data = await leaving.send("/mydata")
    exported = json.loads(next(r.document for r in data if r.document).data)["quiz"]
    [round] = exported["rounds"]
    assert (round["topic"], round["level"], round["score"]) == ("air", "school", 3)
    assert [a["correct"] for a in round["answers"]] == [True, False, True, False, True]
    assert len(exported["question_memory"]) == 5

    await leaving.send("/forget")
    await leaving.click("Yes, delete")
    assert (await count(app, QuizRound), await count(app, QuizAnswer), await count(app, QuizQuestionMemory)) == (1, 5, 5)
