"""`python -m bot` killed with SIGKILL while a step is in flight, then started again: the step is
applied once, its reply arrives, and the conversation goes on from there.

One story with two kills, because each start of the process costs seconds (importing aiogram):
first while the reply of a committed step is being sent, then while the photo of a stored but
unprocessed update is being downloaded (Telegram has already forgotten that update)."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ConversationState, InboxUpdate, OutboxMessage, OutboxStatus, User
from tests.e2e.conftest import all_sent, count, eventually
from tests.e2e.test_telegram_polling import CHAT


async def test_killed_mid_step_twice_each_step_applied_once(emulator, bot_process, db, jpeg) -> None:
    await bot_process.start()
    await emulator.user_sends_text(CHAT, "/start")
    greeting = (await emulator.wait_messages(CHAT, 1))[0]
    await emulator.user_presses(CHAT, greeting, "English")
    consent = (await emulator.wait_messages(CHAT, 2))[1]

    # 1. Killed while sending the reply of a committed step.
    reply = emulator.hold("sendMessage")
    await emulator.user_presses(CHAT, consent, "✅")
    await emulator.wait_for(reply.arrived.is_set, what="the menu being sent")
    async with db() as s:  # the step is committed; its reply waits in the outbox
        user = await s.scalar(select(User))
        assert user.consent_at is not None
        pending = (await s.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING))).all()
        assert len(pending) == 1 and "main menu" in pending[0].payload["text"]
        consent_at = user.consent_at

    await bot_process.kill()
    await bot_process.start()

    messages = await emulator.wait_messages(CHAT, 3)
    assert "main menu" in messages[2].text
    await eventually(lambda: all_sent(db, 3))
    assert len(emulator.messages_to(CHAT)) == 3  # once: the killed send never reached "Telegram"
    assert await count(db, InboxUpdate) == 3
    async with db() as s:
        user = await s.scalar(select(User))
        assert user.consent_at == consent_at  # applied once, not again after the restart
        state = await s.get(ConversationState, ("telegram", str(CHAT)))
        assert (state.state["step"], state.state["seq"]) == ("menu.main", 3)

    # 2. Killed while downloading the photo of an update that only our inbox still knows.
    download = emulator.hold("download")
    photo = await emulator.user_sends_photo(CHAT, jpeg)
    await emulator.wait_for(download.arrived.is_set, what="the photo download")
    await emulator.wait_confirmed(photo)  # Telegram was told it arrived and forgot it
    async with db() as s:
        row = await s.scalar(select(InboxUpdate).where(InboxUpdate.update_key == str(photo["update_id"])))
        assert row is not None and row.processed_at is None

    await bot_process.kill()
    await bot_process.start()

    messages = await emulator.wait_messages(CHAT, 5)
    assert "choose one of the options" in messages[3].text  # what the menu step says to a photo
    assert "📸 Report a dump" in messages[4].labels()
    assert len(emulator.downloads) == 1  # the killed download never completed; the retry did
    assert await count(db, InboxUpdate) == 4
    assert await count(db, InboxUpdate, InboxUpdate.processed_at.is_(None)) == 0

    # The conversation goes on at the menu.
    await emulator.user_presses(CHAT, messages[4], "My profile")
    messages = await emulator.wait_messages(CHAT, 6)
    assert "Role: citizen" in messages[5].text
    await eventually(lambda: all_sent(db, 6))
    async with db() as s:
        state = await s.get(ConversationState, ("telegram", str(CHAT)))
        assert state.state["step"] == "profile.main"
