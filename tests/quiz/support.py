"""Helpers of the quiz's tests: playing a round as a person would, and the rows to assert on."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from handlers.types import Reply
from storage.models import Identity
from storage.quiz import QuizAnswer, QuizQuestionMemory, QuizRound
from tests.support.chat import Chat

# The words each language shows: quiz menu entry, Play, a topic, levels, right, score line.
LANGS = {
    "kk": ("Қазақша", "Эко-викторина", "Ойнау", "Таза ауа", "Мектеп", "Дұрыс!", "Дұрыс жауаптар: {s} / 5"),
    "ru": ("Русский", "Эковикторина", "Играть", "Чистый воздух", "Школьный", "Верно!", "Правильных ответов: {s} из 5"),
    "en": ("English", "Eco quiz", "Play", "Clean air", "School", "Right!", "Right answers: {s} of 5"),
}


def question_of(replies: list[Reply]) -> Reply:
    """The quiz question among these replies (the last one)."""
    asked = [r for r in replies if r.quiz is not None]
    assert asked, f"no quiz question in {[r.text for r in replies]}"
    return asked[-1]


def right_number(question: Reply) -> str:
    assert question.quiz is not None
    return str(question.quiz.correct + 1)


def wrong_number(question: Reply) -> str:
    assert question.quiz is not None
    return str((question.quiz.correct + 1) % len(question.quiz.options) + 1)


async def start_round(chat: Chat, language: str = "en", *, topic: str | None = None, level: str | None = None) -> Reply:
    """From the main menu to the first question of a round."""
    _, quiz, play, default_topic, default_level, *_ = LANGS[language]
    await chat.click(quiz)
    await chat.click(play)
    await chat.click(topic or default_topic)
    return question_of(await chat.click(level or default_level))


async def answer_all(chat: Chat, question: Reply, rights: list[bool]) -> list[Reply]:
    """Answer the round's questions by typing numbers, right or wrong as `rights` says; returns
    every reply to the last answer (the finish screen among them)."""
    replies: list[Reply] = []
    for index, right in enumerate(rights):
        replies = await chat.send(right_number(question) if right else wrong_number(question))
        if index < len(rights) - 1:
            question = question_of(replies)
    return replies


async def user_id(app: App, external_id: str) -> int:
    async with app.sessions() as s:
        return await s.scalar(select(Identity.user_id).where(Identity.external_id == external_id))


async def rounds_of(app: App, uid: int) -> list[QuizRound]:
    async with app.sessions() as s:
        return list(await s.scalars(select(QuizRound).where(QuizRound.user_id == uid).order_by(QuizRound.id)))


async def answers_of(app: App, round_id: int) -> list[QuizAnswer]:
    async with app.sessions() as s:
        return list(await s.scalars(select(QuizAnswer).where(QuizAnswer.round_id == round_id).order_by(QuizAnswer.index)))


async def memory_of(app: App, uid: int) -> dict[str, QuizQuestionMemory]:
    async with app.sessions() as s:
        rows = await s.scalars(select(QuizQuestionMemory).where(QuizQuestionMemory.user_id == uid))
        return {m.question_id: m for m in rows}
