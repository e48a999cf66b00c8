"""The daily question: once an hour, every subscriber whose hour has come today (Kazakhstan's day)
and who got no question today gets one, picked by the spaced-repetition rule of the round engine
(handlers/quiz/rounds.py), as a one-question round of kind "daily" with «Stop the daily question»
under it.

For each batch of subscribers, one transaction picks the question, creates the round, queues the
message through the outbox and sets `last_sent_on`, so running twice, or after a crash, sends
nothing twice; a run missed while the bot was down is made up at the next one, still one a day.

On WhatsApp the message has kind `daily_question`: inside the 24-hour window it goes as text,
outside it as the template configured for that kind in TWILIO_CONTENT_SIDS (variables 1 = the
question, 2 = its options), else it waits in the outbox until the person writes (the sender logs
it). While one waits, no other is queued for that chat: the waiting one stands for the day.

Nothing is queued for people who cannot be reached: no chat left (/forget), or a chat whose latest
message failed for good (they blocked the bot, the number is gone) and who have not written since
(every message they send is answered, so a newer outbox row would exist)."""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from datetime import date, datetime

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.i18n import KZ_TZ, Translator
from handlers.notify import Notifier
from handlers.quiz.bank import Question
from handlers.quiz.daily import stop_choice
from handlers.quiz.rounds import create_round, pick_questions, question_reply
from handlers.types import Reply
from jobs.base import Job, JobContext
from storage.models import OutboxMessage, OutboxStatus
from storage.quiz import QuizRound, QuizSubscription, due_subscriptions
from storage.users import latest_addresses

log = logging.getLogger(__name__)

KIND = "daily_question"  # Reply.kind, and the TWILIO_CONTENT_SIDS key of its template
BATCH = 200  # subscribers per transaction

Chat = tuple[str, str]


async def run(job: JobContext) -> str:
    now = job.clock()
    local_now = now.astimezone(KZ_TZ)
    counts: Counter[str] = Counter()
    after = 0
    while True:
        async with job.sessions() as session, session.begin():
            batch = await due_subscriptions(session, local_now, after_user=after, limit=BATCH)
            if not batch:
                break
            after = batch[-1].user_id
            await _send_batch(job.notifier(session, now), session, batch, now, local_now.date(), counts)
    job.wake_sender()
    return (
        f"sent {counts['sent']} daily questions; {counts['waiting']} still waiting for the person's "
        f"next message; {counts['unreachable']} not reachable (blocked, or no chat left)"
    )


async def _send_batch(
    notify: Notifier,
    session: AsyncSession,
    batch: list[QuizSubscription],
    now: datetime,
    today: date,
    counts: Counter[str],
) -> None:
    addresses = await latest_addresses(session, [s.user_id for s in batch])
    chats = {(channel, chat_id) for channel, chat_id, _lang in addresses.values()}
    failed, waiting = await _failed_chats(session, chats), await _waiting_chats(session, chats)
    for subscription in batch:
        address = addresses.get(subscription.user_id)
        if address is None or address[:2] in failed:
            counts["unreachable"] += 1
            continue
        channel, chat_id, language = address
        if (channel, chat_id) in waiting:
            log.info("daily question for user %s: yesterday's still waits in the outbox", subscription.user_id)
            subscription.last_sent_on = today
            counts["waiting"] += 1
            continue
        reply = await _daily_question(session, subscription, notify.translator(language), now)
        if reply is None:
            log.error("daily question for user %s: the bank has no %s question", subscription.user_id, subscription.level)
            continue
        notify.to_chat(channel, chat_id, reply)
        subscription.last_sent_on = today
        counts["sent"] += 1


async def _daily_question(
    session: AsyncSession, subscription: QuizSubscription, tr: Translator, now: datetime
) -> Reply | None:
    user_id, level = subscription.user_id, subscription.level
    questions = await pick_questions(session, user_id, topic=None, level=level, count=1, now=now)
    if not questions:
        return None
    round = await create_round(
        session, user_id, questions, kind="daily", level=level, topic=None, language=tr.language, now=now
    )
    return daily_reply(tr, round, questions[0], user_id)


def daily_reply(tr: Translator, round: QuizRound, question: Question, user_id: int) -> Reply:
    """The round engine's question titled as the daily question (not "Question 1 of 1"), with
    «Stop the daily question» under it and the template variables WhatsApp needs outside the window."""
    text = question.text(tr.language)
    reply = question_reply(tr, round, question, tr.language, title=tr._("📅 Daily question"))
    options = "; ".join(f"{n}) {option}" for n, option in enumerate(text.options, 1))
    return replace(
        reply,
        choices=(*reply.choices, stop_choice(tr, user_id)),
        kind=KIND,
        template_vars={"1": text.question, "2": options},
    )


async def _failed_chats(session: AsyncSession, chats: set[Chat]) -> set[Chat]:
    """Chats whose latest outbox message failed for good: the person cannot be reached there."""
    latest = await _latest_status(session, chats)
    return {chat for chat, status in latest.items() if status == OutboxStatus.FAILED}


async def _latest_status(session: AsyncSession, chats: set[Chat]) -> dict[Chat, str]:
    if not chats:
        return {}
    chat_ids = {chat_id for _channel, chat_id in chats}
    newest = (
        select(func.max(OutboxMessage.id))
        .where(OutboxMessage.chat_id.in_(chat_ids))
        .group_by(OutboxMessage.channel, OutboxMessage.chat_id)
    )
    rows = await session.execute(
        select(OutboxMessage.channel, OutboxMessage.chat_id, OutboxMessage.status).where(OutboxMessage.id.in_(newest))
    )
    return {(channel, chat_id): status for channel, chat_id, status in rows.all() if (channel, chat_id) in chats}


async def _waiting_chats(session: AsyncSession, chats: set[Chat]) -> set[Chat]:
    """Chats where a daily question waits for the person's next message (WhatsApp's window)."""
    if not chats:
        return set()
    rows = await session.execute(
        select(OutboxMessage.channel, OutboxMessage.chat_id).where(
            OutboxMessage.chat_id.in_({chat_id for _channel, chat_id in chats}),
            OutboxMessage.status == OutboxStatus.WAITING,
            OutboxMessage.payload["kind"].as_string() == KIND,
        )
    )
    return {(channel, chat_id) for channel, chat_id in rows.all() if (channel, chat_id) in chats}


JOBS = [
    Job(
        "daily_question",
        "send the daily quiz question to subscribers whose hour has come (Kazakhstan time)",
        lambda settings: CronTrigger(minute=0, timezone="UTC"),
        run,
    )
]
