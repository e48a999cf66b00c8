"""Quiz rounds: choosing the questions, asking them, taking the answers, scoring.

The public API below is what every kind of round uses (a solo round of five from the quiz home,
the daily question, a club round); only `kind` differs:

    pick_questions(session, user_id, topic=..., level=..., count=..., now=...) -> [Question]
    create_round(session, user_id, questions, kind=..., level=..., topic=..., language=..., now=...)
    question_reply(_, round, question, language) -> Reply        (a job can send it: no Ctx needed)
    begin_round(ctx, topic=..., level=..., kind="solo", size=5)  (picks, creates, asks the first)
    answer(ctx, QuizPick)                                         (any channel's answer)

A question is a `Reply` with `quiz` set: Telegram shows it as a native quiz poll, WhatsApp and the
console as the numbered list of its choices. Each option is a `QuizPick` button; a Telegram poll
answer becomes the same press (handlers/engine.py `_poll_choice`). An answer counts only for the
question the round asks now, from the round's owner, with an option the question has: anything
else (late, twice, forged, out of range) gets a clear answer and changes nothing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.context import Ctx
from handlers.i18n import Translator
from handlers.points.ledger import award_correct
from handlers.quiz import bank, finish
from handlers.quiz.bank import QUESTION_LIMIT, Question, telegram_length
from handlers.quiz.buttons import QuizPick
from handlers.start import show_menu
from handlers.types import Choice, QuizPoll, Reply
from storage.quiz import QuizAnswer, QuizQuestionMemory, QuizRound, RoundKind, memory_of

STEP = "quiz.question"  # the conversation waits for the answer to the round's current question
ROUND_SIZE = 5
# Leitner boxes: the days until a question answered right is due again, by the box it moves to.
BOX_DAYS = {1: 1, 2: 3, 3: 7, 4: 21}
TOP_BOX = max(BOX_DAYS)

Gettext = Callable[[str], str] | Translator


async def pick_questions(
    session: AsyncSession, user_id: int, *, topic: str | None, level: str, count: int, now: datetime
) -> list[Question]:
    """The questions of the next round, by a Leitner rule on what this person answered before.

    Each question a person has seen sits in a box. A right answer moves it up one box (at most to
    box 4) and makes it due again 1, 3, 7 or 21 days later (boxes 1-4); a miss sends it back to
    box 0, due at once. A round takes, in this order: questions due now, the lowest box first (so
    the missed ones come back first, then the oldest right ones), then questions never seen (in
    random order), then the rest, soonest due first (only when the bank has nothing better)."""
    candidates = list(bank.questions(topic, level))
    memory = await memory_of(session, user_id, [q.id for q in candidates])
    due = sorted(
        (q for q in candidates if q.id in memory and memory[q.id].due_at <= now),
        key=lambda q: (memory[q.id].box, memory[q.id].due_at),
    )
    unseen = [q for q in candidates if q.id not in memory]
    random.shuffle(unseen)
    later = sorted(
        (q for q in candidates if q.id in memory and memory[q.id].due_at > now), key=lambda q: memory[q.id].due_at
    )
    return (due + unseen + later)[:count]


async def create_round(
    session: AsyncSession,
    user_id: int,
    questions: list[Question],
    *,
    kind: str,
    level: str,
    topic: str | None,
    language: str,
    now: datetime,
    club_round_id: int | None = None,
) -> QuizRound:
    """A new round (flushed, so it has its id). A person plays one solo round and one daily
    question at a time, and a club round once at a time: an unfinished round of the same kind (for
    a club round, of the same club round) ends here, and its questions can no longer be answered."""
    kind = RoundKind(kind)
    if not questions:
        raise ValueError("a round needs at least one question")
    same = [QuizRound.user_id == user_id, QuizRound.kind == kind, QuizRound.finished_at.is_(None)]
    if kind == RoundKind.CLUB:
        same.append(QuizRound.club_round_id == club_round_id)
    await session.execute(update(QuizRound).where(*same).values(finished_at=now))
    round = QuizRound(
        user_id=user_id,
        kind=kind,
        topic=topic,
        level=level,
        language=language,
        question_ids=[q.id for q in questions],
        position=0,
        score=0,
        club_round_id=club_round_id,
        started_at=now,
    )
    session.add(round)
    await session.flush()
    return round


def question_reply(
    _: Gettext, round: QuizRound, question: Question, language: str, *, title: str | None = None
) -> Reply:
    """The round's current question as a message: its text with the options as choices (no
    «Menu»: a conversation step adds it) and the same question as a quiz poll. `title` replaces
    "Question 1 of 5" (the daily question names itself)."""
    gettext = _._ if isinstance(_, Translator) else _
    text = question.text(language)
    if title is None:
        counter = gettext("Question {n} of {total}").format(n=round.position + 1, total=round.size)
        heading, titled = f"❓ {counter}", f"{counter}. {text.question}"
    else:
        heading, titled = title, f"{title}: {text.question}"
    option_ids = tuple(QuizPick(round.id, round.position, i).id for i in range(len(text.options)))
    poll = QuizPoll(
        question=titled if telegram_length(titled) <= QUESTION_LIMIT else text.question,
        options=text.options,
        correct=question.correct,
        explanation=text.explanation,
        option_ids=option_ids,
    )
    return Reply(
        text=f"{heading}\n\n{text.question}",
        choices=tuple(Choice(i, label) for i, label in zip(option_ids, text.options, strict=True)),
        quiz=poll,
    )


async def begin_round(
    ctx: Ctx,
    *,
    topic: str | None,
    level: str,
    kind: str = "solo",
    size: int = ROUND_SIZE,
    club_round_id: int | None = None,
) -> QuizRound:
    """Pick the questions, create the round and ask its first question in this step."""
    questions = await pick_questions(ctx.session, ctx.user.id, topic=topic, level=level, count=size, now=ctx.now)
    round = await create_round(
        ctx.session,
        ctx.user.id,
        questions,
        kind=kind,
        level=level,
        topic=topic,
        language=ctx.tr.language,
        now=ctx.now,
        club_round_id=club_round_id,
    )
    ask_current(ctx, round)
    return round


def ask_current(ctx: Ctx, round: QuizRound, hint: str | None = None) -> None:
    """Ask the round's current question (again, after `hint` says what was wrong)."""
    question = bank.question(round.question_ids[round.position])
    assert question is not None, f"question {round.question_ids[round.position]} is not in the bank"
    if hint:
        ctx.reply(hint)
    reply = question_reply(ctx.tr, round, question, ctx.tr.language)
    ctx.ask(STEP, reply.text, reply.choices, quiz=reply.quiz)
    ctx.data["round_id"] = round.id


async def on_question_step(ctx: Ctx) -> None:
    """Input at a question: an option (pressed or typed) is an answer; anything else is told
    what to send and gets the question again."""
    pick = QuizPick.parse(ctx.choice)
    if pick is not None:
        await answer(ctx, pick)
        return
    round = await _asked_round(ctx)
    if round is None:
        await show_menu(ctx)
        return
    count = len([c for c in ctx.offered() if QuizPick.parse(c)])
    if ctx.text.isdigit():
        hint = ctx._("There is no option {number}. Please send a number from 1 to {count}.", number=ctx.text, count=count)
    else:
        hint = ctx._("Please answer with the number of an option, from 1 to {count}.", count=count)
    ask_current(ctx, round, hint)


async def answer(ctx: Ctx, pick: QuizPick) -> None:
    """One answer to one question, from whichever channel. Checked against the round, locked for
    this step, so two answers to one question (two devices, a redelivered poll answer) count once."""
    round = await ctx.session.get(QuizRound, pick.round_id, with_for_update=True)
    problem = _problem(ctx, round, pick)
    if problem is not None:
        await _where_you_are(ctx, problem)
        return
    assert round is not None
    question = bank.question(round.question_ids[pick.index])
    assert question is not None
    correct = pick.option == question.correct
    ctx.session.add(
        QuizAnswer(
            round_id=round.id,
            index=pick.index,
            question_id=question.id,
            option=pick.option,
            correct=correct,
            answered_at=ctx.now,
        )
    )
    await remember(ctx.session, ctx.user.id, question.id, correct, ctx.now)
    round.score += int(correct)
    if correct:
        await award_correct(ctx, round.id, pick.index)
    round.position += 1
    ctx.outbox.append((ctx.incoming.channel, ctx.incoming.chat_id, feedback(ctx, question, correct)))
    if round.completed:
        round.finished_at = ctx.now
        await finish.show_finish(ctx, round)
    else:
        ask_current(ctx, round)


async def _asked_round(ctx: Ctx) -> QuizRound | None:
    """The round whose question this chat is at, while that question is still open."""
    if ctx.step != STEP:
        return None
    round = await ctx.session.get(QuizRound, int(ctx.data.get("round_id", 0)))
    ok = round is not None and round.user_id == ctx.user.id and round.current_question_id is not None
    return round if ok else None


async def _where_you_are(ctx: Ctx, problem: str) -> None:
    """Say why an answer did not count, then show again what the chat is at: the open question
    (as a poll again on Telegram), another flow's prompt, or the menu."""
    round = await _asked_round(ctx)
    if round is not None:
        ask_current(ctx, round, problem)
    elif ctx.step:
        ctx.reprompt(problem)
    else:
        ctx.reply(problem)
        await show_menu(ctx)


def _problem(ctx: Ctx, round: QuizRound | None, pick: QuizPick) -> str | None:
    """Why this answer cannot count, or None when it does."""
    if round is None or round.user_id != ctx.user.id or pick.index >= round.size:
        return ctx._("This quiz question is not open for you. Please answer the latest question I sent you.")
    if round.finished_at is not None:
        return ctx._("This quiz round is over, so this answer no longer counts.")
    if pick.index < round.position:
        return ctx._("You have already answered this question.")
    if pick.index > round.position:
        return ctx._("This quiz question is not open for you. Please answer the latest question I sent you.")
    question = bank.question(round.question_ids[pick.index])
    if question is None or pick.option >= len(question.text(ctx.tr.language).options):
        return ctx._("This question has no such option. Please choose one of its options.")
    return None


def feedback(ctx: Ctx, question: Question, correct: bool) -> Reply:
    """Right or wrong, and why: what a Telegram quiz poll shows by itself (so Telegram skips it)."""
    text = question.text(ctx.tr.language)
    if correct:
        head = ctx._("✅ Right!")
    else:
        head = ctx._("❌ Not quite. The right answer: {option}", option=text.options[question.correct])
    return Reply(text=f"{head}\n{text.explanation}", quiz_feedback=True)


async def remember(session: AsyncSession, user_id: int, question_id: str, correct: bool, now: datetime) -> None:
    """Move the question between Leitner boxes (the rule is in `pick_questions`)."""
    memory = await session.scalar(
        select(QuizQuestionMemory)
        .where(QuizQuestionMemory.user_id == user_id, QuizQuestionMemory.question_id == question_id)
        .with_for_update()
    )
    if memory is None:
        memory = QuizQuestionMemory(user_id=user_id, question_id=question_id, box=0, right=0, wrong=0)
        session.add(memory)
    if correct:
        memory.box = min(memory.box + 1, TOP_BOX)
        memory.due_at = now + timedelta(days=BOX_DAYS[memory.box])
        memory.right += 1
    else:
        memory.box = 0
        memory.due_at = now
        memory.wrong += 1
    memory.last_seen_at = now
