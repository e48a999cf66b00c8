"""The outbox sender: nothing lost across a restart or a 429 storm, order kept within a chat,
transient errors retried with backoff and given up with the reason recorded."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.app import create_app
from bot.channels.base import RateLimits, SendError
from bot.outbox import OutboxSender
from handlers.types import Kind, MediaRef, Reply
from storage.models import OutboxMessage, OutboxStatus
from storage.outbox import defer_writes, queue_after_step, queue_message, write_deferred
from storage.outbox import queue_messages as queue_notices
from tests.support.chat import Chat


class ScriptedChannel:
    """A messenger stand-in: `fail(n)` decides, for the n-th send, what goes wrong (or None)."""

    name = "telegram"

    def __init__(self, fail=lambda n, chat_id, text: None, limits: RateLimits = RateLimits()) -> None:
        self.fail = fail
        self.limits = limits
        self.calls = 0
        self.delivered: list[tuple[str, str]] = []

    def delivers_to(self, chat_id: str) -> bool:
        return True

    async def fetch_media(self, ref: MediaRef, limit: int) -> bytes:
        raise NotImplementedError

    async def send(self, chat_id: str, reply: Reply) -> str | None:
        self.calls += 1
        problem = self.fail(self.calls, chat_id, reply.text)
        if problem is not None:
            raise problem
        self.delivered.append((chat_id, reply.text))
        return str(self.calls)


async def queue_messages(app, chats: int, per_chat: int, clock) -> list[tuple[str, str]]:
    wanted = [(f"{100 + c}", f"m{i}") for i in range(per_chat) for c in range(chats)]
    async with app.sessions() as s, s.begin():
        s.add_all(
            OutboxMessage(
                channel="telegram",
                chat_id=chat_id,
                payload=Reply(text=text, kind="broadcast").to_json(),
                created_at=clock(),
                next_attempt_at=clock(),
            )
            for chat_id, text in wanted
        )
    return wanted


def per_chat(delivered: list[tuple[str, str]]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for chat_id, text in delivered:
        result.setdefault(chat_id, []).append(text)
    return result


async def statuses(app) -> dict[str, int]:
    async with app.sessions() as s:
        rows = await s.execute(
            select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
        )
        return dict(rows.all())


async def test_pending_messages_survive_a_restart(app, settings, clock) -> None:
    """The process dies in the middle of sending; the next one sends everything left, in order."""
    wanted = await queue_messages(app, chats=5, per_chat=8, clock=clock)
    crashing = ScriptedChannel()
    sender = OutboxSender(app.sessions, {"telegram": crashing}, clock=clock)
    release = asyncio.Event()

    async def slow_send(chat_id: str, reply: Reply) -> str | None:
        if crashing.calls >= 12:
            await release.wait()  # hangs: the process is killed here
        return await ScriptedChannel.send(crashing, chat_id, reply)

    crashing.send = slow_send  # type: ignore[method-assign]
    flushing = asyncio.create_task(sender.flush())
    while crashing.calls < 12:
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.05)
    flushing.cancel()  # the crash
    for task in list(sender._workers.values()):
        task.cancel()
    await asyncio.gather(flushing, *sender._workers.values(), return_exceptions=True)
    await app.close()
    assert 0 < len(crashing.delivered) < len(wanted)

    restarted = await create_app(settings, run_migrations=False, clock=clock)
    fresh = ScriptedChannel()
    restarted.add_channel(fresh)
    try:
        await restarted.sender.flush()
        got = per_chat(crashing.delivered + fresh.delivered)
        for chat_id, texts in per_chat(wanted).items():
            # Nothing lost, in order; a message sent just before the crash but not yet marked
            # may come twice (at-least-once), never out of order.
            assert list(dict.fromkeys(got[chat_id])) == texts
        assert len(crashing.delivered) + len(fresh.delivered) - len(wanted) <= 5  # at most one per chat
        assert await statuses(restarted) == {OutboxStatus.SENT: len(wanted)}
    finally:
        await restarted.close()


async def test_429_storm_loses_nothing(app, clock) -> None:
    """Every third send is refused with 429: all messages still arrive, in order, none failed,
    and no try is counted against the message."""
    wanted = await queue_messages(app, chats=6, per_chat=10, clock=clock)
    stormy = ScriptedChannel(
        lambda n, chat_id, text: SendError("Too Many Requests", retry_after=0.01) if n % 3 == 0 else None
    )
    sender = OutboxSender(app.sessions, {"telegram": stormy}, clock=clock)
    for _ in range(200):
        await sender.flush()
        if len(stormy.delivered) == len(wanted):
            break
        clock.advance(seconds=1)
    assert per_chat(stormy.delivered) == per_chat(wanted)
    assert sender.rate_limited >= len(wanted) // 3
    assert await statuses(app) == {OutboxStatus.SENT: len(wanted)}
    async with app.sessions() as s:
        assert await s.scalar(select(func.max(OutboxMessage.attempts))) == 0


async def test_transient_error_keeps_chat_order_and_backs_off(app, clock) -> None:
    await queue_messages(app, chats=2, per_chat=3, clock=clock)
    flaky = ScriptedChannel(
        lambda n, chat_id, text: ConnectionError("reset") if (chat_id, text) == ("100", "m0") and n < 3 else None
    )
    sender = OutboxSender(app.sessions, {"telegram": flaky}, clock=clock, base_backoff=10)
    await sender.flush()
    assert per_chat(flaky.delivered) == {"101": ["m0", "m1", "m2"]}  # chat 100 waits behind m0

    clock.advance(seconds=5)
    await sender.flush()
    assert "100" not in per_chat(flaky.delivered)  # still backing off (10 s)

    clock.advance(seconds=6)
    await sender.flush()
    clock.advance(seconds=21)  # the second failure doubled the wait
    await sender.flush()
    assert per_chat(flaky.delivered)["100"] == ["m0", "m1", "m2"]


async def test_gives_up_after_max_attempts_with_the_reason(app, clock) -> None:
    await queue_messages(app, chats=1, per_chat=1, clock=clock)
    broken = ScriptedChannel(lambda n, chat_id, text: SendError("Bad Gateway"))
    sender = OutboxSender(app.sessions, {"telegram": broken}, clock=clock, max_attempts=3)
    for _ in range(5):
        await sender.flush()
        clock.advance(minutes=5)
    assert broken.calls == 3
    async with app.sessions() as s:
        row = await s.scalar(select(OutboxMessage))
    assert (row.status, row.attempts, row.last_error) == (OutboxStatus.FAILED, 3, "Bad Gateway")


async def test_blocked_user_fails_at_once(app, clock) -> None:
    await queue_messages(app, chats=1, per_chat=2, clock=clock)
    blocked = ScriptedChannel(
        lambda n, chat_id, text: SendError("Forbidden: bot was blocked by the user", permanent=True)
    )
    sender = OutboxSender(app.sessions, {"telegram": blocked}, clock=clock)
    await sender.flush()
    assert await statuses(app) == {OutboxStatus.FAILED: 2}


async def test_a_slow_group_does_not_hold_back_other_chats(app, clock) -> None:
    """A group limited to 20 messages a minute has many messages queued; a private chat's
    message queued after them goes out without waiting for the group's."""
    async with app.sessions() as s, s.begin():
        for i in range(12):
            s.add(OutboxMessage(channel="telegram", chat_id="-1001", payload=Reply(text=f"g{i}").to_json(),
                                created_at=clock(), next_attempt_at=clock()))
        s.add(OutboxMessage(channel="telegram", chat_id="555", payload=Reply(text="hello").to_json(),
                            created_at=clock(), next_attempt_at=clock()))
    channel = ScriptedChannel(limits=RateLimits(per_second=30, per_chat_per_second=1, per_group_per_minute=20, group_chat_prefix="-"))
    sender = OutboxSender(app.sessions, {"telegram": channel}, clock=clock, per_chat_batch=5)
    await sender.dispatch()
    for _ in range(50):
        if ("555", "hello") in channel.delivered:
            break
        await asyncio.sleep(0.02)
    assert ("555", "hello") in channel.delivered
    assert sum(1 for chat_id, _ in channel.delivered if chat_id == "-1001") <= 4  # burst of 3 (+1)
    for task in list(sender._workers.values()):
        task.cancel()
    await asyncio.gather(*sender._workers.values(), return_exceptions=True)


def instant_channel(fail=lambda n, chat_id, text: None) -> ScriptedChannel:
    """A channel that never holds messages back, as Telegram: answers go straight to the sender."""
    channel = ScriptedChannel(fail)
    channel.holds_messages = False
    return channel


async def test_an_answer_is_claimed_in_its_step_and_sent_after_the_commit(app, clock) -> None:
    """No claim round between a step and its answer: the step writes the answer claimed by this
    process's sender, and the commit hands it over. On PostgreSQL too, where several processes
    share the outbox: the step holds its chat's lock (tests/scale/test_chat_order.py)."""

    channel = instant_channel()
    app.add_channel(channel)
    dana = Chat(app, "dana", channel="telegram")
    await app.engine.receive(dana._incoming(Kind.COMMAND, command="help", args="", text="/help"))
    async with app.sessions() as s:
        row = (await s.scalars(select(OutboxMessage).where(OutboxMessage.chat_id == "dana"))).one()
    assert row.claimed_by == app.sender.name and row.next_attempt_at > clock()
    for _ in range(100):  # sent by the worker the commit started, with no flush or dispatch
        if channel.delivered:
            break
        await asyncio.sleep(0.01)
    assert [chat for chat, _ in channel.delivered] == ["dana"]
    await app.sender.flush()
    assert [chat for chat, _ in channel.delivered] == ["dana"]
    assert await statuses(app) == {OutboxStatus.SENT: 1}


async def test_an_answer_waits_behind_what_a_job_queued_for_the_chat(app, clock) -> None:
    """A notice a job queued for the chat and not sent yet goes out before the answer to the
    person's next message: each chat's messages go out in the order they were queued."""

    channel = instant_channel()
    app.add_channel(channel)
    async with app.sessions() as s, s.begin():
        await queue_notices(s, [("telegram", "dana", Reply(text="Reminder: cleanup tomorrow").to_json())], clock())
    dana = Chat(app, "dana", channel="telegram")
    await app.engine.receive(dana._incoming(Kind.COMMAND, command="help", args="", text="/help"))
    await app.sender.flush()
    texts = [text for _, text in channel.delivered]
    assert texts[0] == "Reminder: cleanup tomorrow" and len(texts) == 2


async def test_an_answer_waits_behind_the_chats_message_in_retry(app, clock) -> None:
    """The chat's first answer failed and waits for its retry: the next answer is not handed over
    ahead of it, and both arrive in order once the retry is due."""

    channel = instant_channel(lambda n, chat_id, text: ConnectionError("reset") if n == 1 else None)
    app.add_channel(channel)
    app.sender.base_backoff = 10
    dana = Chat(app, "dana", channel="telegram")
    await app.engine.receive(dana._incoming(Kind.COMMAND, command="help", args="", text="/help"))
    await app.sender.flush()
    assert channel.delivered == []  # the first send failed: retry in 10 s
    await app.engine.receive(dana._incoming(Kind.COMMAND, command="language", args="", text="/language"))
    await app.sender.flush()
    assert channel.delivered == []  # not ahead of the first answer
    clock.advance(seconds=11)
    await app.sender.flush()
    help_text, language_text = (text for _, text in channel.delivered)
    assert "/help" not in language_text and len(channel.delivered) == 2
    async with app.sessions() as s:
        payloads = (await s.scalars(select(OutboxMessage.payload).order_by(OutboxMessage.id))).all()
    assert [p["text"] for p in payloads] == [help_text, language_text]


async def test_deferred_answers_are_written_before_anything_reads_or_adds_to_the_outbox(app, clock) -> None:
    """Group commit's one INSERT for many steps' answers: a query in between sees them, a message
    added through the ORM comes after them, and the claimed ones get their ids."""
    now = clock()

    def claim(channel: str, chat_id: str):
        return ("me", now) if chat_id == "a" else None

    async with app.sessions() as session, session.begin():
        defer_writes(session)
        handed = await queue_after_step(session, [("console", "a", {"text": "1"}, 0), ("console", "b", {"text": "2"}, 0)], now, claim)
        assert handed[0].id is None  # not written yet
        assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 2  # written first
        await queue_after_step(session, [("console", "a", {"text": "3"}, 0)], now)
        queue_message(session, "console", "a", {"text": "4"}, now)
        await session.flush()  # the ORM's row goes after the answer queued before it
        await queue_after_step(session, [("console", "a", {"text": "5"}, 0)], now)
        await write_deferred(session)
        texts = (await session.scalars(select(OutboxMessage.payload).order_by(OutboxMessage.id))).all()
        claimed_id = await session.scalar(select(OutboxMessage.id).where(OutboxMessage.claimed_by == "me"))
    assert [payload["text"] for payload in texts] == ["1", "2", "3", "4", "5"]
    assert handed[0].id == claimed_id


async def test_claimed_answers_written_together_get_their_own_ids(app, clock) -> None:
    """The ids handed to the sender after one multi-row INSERT name the rows they were written as."""
    now = clock()
    messages = [("console", "a" if n % 2 else "b", {"text": str(n)}, 0) for n in range(1, 8)]
    async with app.sessions() as session, session.begin():
        defer_writes(session)
        handed = await queue_after_step(session, messages, now, lambda channel, chat_id: ("me", now) if chat_id == "a" else None)
        await write_deferred(session)
        stored = dict((await session.execute(select(OutboxMessage.id, OutboxMessage.payload))).all())
    assert [message.payload["text"] for message in handed] == ["1", "3", "5", "7"]
    assert all(stored[message.id] == message.payload for message in handed)
