"""Shared pieces of the club tests: a leader's club made in the conversation, members joining,
playing a club round with a chosen number of right answers, and reading rows back."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.quiz import QuizClub, QuizClubMember, QuizRound
from tests.support.chat import Chat


async def create_club(leader: Chat, name: str = "Green Club", institution: str = "School No. 7") -> QuizClub:
    """The leader is at the main menu; the club is created through the form."""
    await leader.send("/clubs")
    await leader.click("Create a club")
    await leader.send(name)
    await leader.send(institution)
    await leader.click("Astana")
    await leader.click("Create the club")
    return await only_club(leader.app)


async def only_club(app: App) -> QuizClub:
    async with app.sessions() as session:
        clubs = list(await session.scalars(select(QuizClub)))
    assert len(clubs) == 1
    return clubs[0]


async def memberships(app: App) -> list[QuizClubMember]:
    async with app.sessions() as session:
        return list(await session.scalars(select(QuizClubMember).order_by(QuizClubMember.number)))


async def rounds_played(app: App) -> list[QuizRound]:
    async with app.sessions() as session:
        return list(await session.scalars(select(QuizRound).order_by(QuizRound.id)))


async def play(chat: Chat, right: int) -> None:
    """Answer the questions of the round just begun, the first `right` of them correctly."""
    for i in range(5):
        question = chat.last_with_choices
        assert question.quiz is not None, question.text
        correct = question.quiz.correct
        pick = correct if i < right else (correct + 1) % len(question.quiz.options)
        await chat.press(question.quiz.option_ids[pick], question.choice_seq)
