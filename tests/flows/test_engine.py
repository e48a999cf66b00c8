"""The engine's promises: one step, one transaction; redelivery applied once; a failing step
rolls back alone and the user gets an answer."""

from __future__ import annotations

from sqlalchemy import func, select

from handlers.types import Incoming, Kind
from storage.models import ConversationState, InboxUpdate, OutboxMessage, OutboxStatus, User
from tests.support.chat import Chat


async def test_redelivered_update_is_applied_once(app, chat: Chat) -> None:
    await chat.onboard("English")
    incoming = Incoming(
        channel="console", chat_id="alice", sender_id="alice", update_key="same-1",
        kind=Kind.TEXT, text="My profile",
    )
    await chat.deliver(incoming)
    replies = await chat.deliver(incoming)
    assert replies == []
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).where(InboxUpdate.update_key == "same-1")) == 1
        state = await s.get(ConversationState, ("console", "alice"))
        assert state.state["step"] == "profile.main"


async def test_failing_step_rolls_back_and_apologises(app, chat: Chat, monkeypatch) -> None:
    await chat.onboard("Русский")

    async def broken(ctx) -> None:
        ctx.user.display_name = "half-applied"
        ctx.reply("never sent")
        raise RuntimeError("boom")

    monkeypatch.setitem(app.engine.router.steps, "menu.main", broken)
    replies = await chat.send("1")
    assert [r.text for r in replies] == ["Извините, у нас что-то пошло не так. Пожалуйста, попробуйте ещё раз."]
    async with app.sessions() as s:
        assert (await s.scalar(select(User))).display_name == "Alice"
        row = await s.scalar(select(InboxUpdate).order_by(InboxUpdate.id.desc()))
        assert row.processed_at is not None and "boom" in row.error
    monkeypatch.undo()
    assert "Главное меню" in (await chat.send("/menu"))[-1].text


async def test_unprocessed_inbox_rows_are_finished_later(app, chat: Chat) -> None:
    """What a crash leaves between the inbox insert and the step is found by `pending()`."""
    await chat.onboard("English")
    stored = Incoming(
        channel="console", chat_id="alice", sender_id="alice", update_key="left-1",
        kind=Kind.COMMAND, command="help", text="/help",
    )
    await app.engine.store([stored])
    pending = await app.engine.pending("console")
    assert [p.update_key for p in pending] == ["left-1"]
    for incoming in pending:
        await app.engine.process(incoming)
    await app.sender.flush()
    assert "Commands:" in chat.history[-2].text and "Main menu" in chat.history[-1].text
    assert await app.engine.pending("console") == []


async def test_every_reply_goes_through_the_outbox(app, chat: Chat) -> None:
    await chat.onboard("English")
    async with app.sessions() as s:
        statuses = (await s.scalars(select(OutboxMessage.status))).all()
    assert statuses and set(statuses) == {OutboxStatus.SENT}
    assert len(statuses) == len(chat.history)


async def test_overlong_text_is_cut_before_steps(app, chat: Chat) -> None:
    await chat.onboard("English")
    replies = await chat.send("x" * 50_000)
    assert "choose one of the options" in replies[0].text


async def test_a_failing_step_of_a_batch_rolls_back_alone(app, monkeypatch) -> None:
    """Group commit: three people's messages in one batch, Bob's step fails. Alice and Carol are
    answered and their steps applied; Bob gets the apology and nothing of his step is kept; each
    message counts once against the input limit although the batch ran twice."""
    people = {name: Chat(app, name) for name in ("alice", "bob", "carol")}
    for person in people.values():
        await person.onboard("English")
        person.seen = len(person.history)
    profile = app.engine.router.steps["menu.main"]

    async def broken_for_bob(ctx) -> None:
        if ctx.incoming.chat_id != "bob":
            return await profile(ctx)
        ctx.user.display_name = "half-applied"
        ctx.reply("never sent")
        raise RuntimeError("boom")

    monkeypatch.setitem(app.engine.router.steps, "menu.main", broken_for_bob)
    counted: list[str] = []
    admit = app.engine.admit

    def counting(incoming, now):
        counted.append(incoming.update_key)
        return admit(incoming, now)

    monkeypatch.setattr(app.engine, "admit", counting)
    batch = [person._incoming(Kind.TEXT, text="My profile") for person in people.values()]
    await app.engine.store(batch)
    await app.engine.process_batch(batch)
    await app.sender.flush()

    answers = {name: [reply.text for reply in person.history[person.seen :]] for name, person in people.items()}
    assert answers["bob"] == ["Sorry, something went wrong on our side. Please try again."]
    for name in ("alice", "carol"):
        assert answers[name] and "Sorry" not in answers[name][0] and "never sent" not in answers[name]
    assert sorted(counted) == sorted(incoming.update_key for incoming in batch)
    async with app.sessions() as s:
        names = set((await s.scalars(select(User.display_name))).all())
        assert "half-applied" not in names
        rows = {row.chat_id: row for row in await s.scalars(select(InboxUpdate).where(
            InboxUpdate.update_key.in_([incoming.update_key for incoming in batch])))}
        assert "boom" in rows["bob"].error and rows["alice"].error is None and rows["carol"].error is None
        assert all(row.processed_at is not None for row in rows.values())
        states = {chat: (await s.get(ConversationState, ("console", chat))).state.get("step") for chat in people}
    assert states["alice"] == states["carol"] == "profile.main" and states["bob"] == "menu.main"


async def test_a_batch_answers_as_the_same_messages_one_by_one(app) -> None:
    """Group commit keeps a conversation as it is: Bob's three messages processed in one batch
    (their answers written together) get the answers Alice's get one by one, in the same order,
    and a later step of the batch sees the answers of the earlier ones (the numbered choice)."""
    alice, bob = Chat(app, "alice"), Chat(app, "bob")
    for person in (alice, bob):
        await person.onboard("English")
    texts = ["/menu", "1", "/help"]
    one_by_one = [reply.text for text in texts for reply in await alice.send(text)]

    bob.seen = len(bob.history)
    batch = [
        bob._incoming(Kind.COMMAND, command="menu", text="/menu"),
        bob._incoming(Kind.TEXT, text="1"),
        bob._incoming(Kind.COMMAND, command="help", text="/help"),
    ]
    await app.engine.store(batch)
    await app.engine.process_batch(batch)
    await app.sender.flush()
    together = [reply.text for reply in bob.history[bob.seen :]]
    assert together == [text.replace("Alice", "Bob") for text in one_by_one]
    async with app.sessions() as s:
        ids = (await s.scalars(select(OutboxMessage.id).where(OutboxMessage.chat_id == "bob").order_by(OutboxMessage.id))).all()
        assert len(ids) == len(bob.history)
