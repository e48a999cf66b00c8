"""`python -m bot` killed with SIGKILL while steps are in flight, then started again: each step is
applied once, its reply arrives, and the conversations go on from there.

Two chats are caught at once by one kill (each start of the process costs seconds, mostly importing
aiogram): Aigerim's step is committed and its reply is being sent; Bolat's photo is being downloaded
for an update that is stored in our inbox but already confirmed to Telegram, which forgot it."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ConversationState, InboxUpdate, OutboxMessage, OutboxStatus, User
from tests.e2e.conftest import all_sent, count, eventually

AIGERIM, BOLAT = 424242, 515151


async def test_killed_mid_step_each_step_applied_once_and_resumed(emulator, bot_process, db, jpeg) -> None:
    await bot_process.start()
    await emulator.user_sends_text(AIGERIM, "/start")
    greeting = (await emulator.wait_messages(AIGERIM, 1))[0]
    await emulator.user_presses(AIGERIM, greeting, "English")
    consent = (await emulator.wait_messages(AIGERIM, 2))[1]

    # Aigerim agrees; the step commits and its reply (the menu) hangs on the way to Telegram.
    reply = emulator.hold("sendMessage")
    await emulator.user_presses(AIGERIM, consent, "✅")
    await emulator.wait_for(reply.arrived.is_set, what="the menu being sent")
    # Bolat sends a photo; its download hangs.
    download = emulator.hold("download")
    photo = await emulator.user_sends_photo(BOLAT, jpeg)
    await emulator.wait_for(download.arrived.is_set, what="the photo download")
    await emulator.wait_confirmed(photo)  # Telegram was told it arrived and forgot it

    async with db() as s:
        aigerim = await s.scalar(select(User).where(User.display_name == f"Aigerim U{AIGERIM}"))
        assert aigerim.consent_at is not None
        pending = (await s.scalars(select(OutboxMessage).where(OutboxMessage.status == OutboxStatus.PENDING))).all()
        assert len(pending) == 1 and "main menu" in pending[0].payload["text"]
        row = await s.scalar(select(InboxUpdate).where(InboxUpdate.update_key == str(photo["update_id"])))
        assert row is not None and row.processed_at is None
        consent_at = aigerim.consent_at

    await bot_process.kill()
    await bot_process.start()

    menu = (await emulator.wait_messages(AIGERIM, 3))[2]
    assert "main menu" in menu.text
    bolat = await emulator.wait_messages(BOLAT, 1)
    assert bolat[0].labels() == ["Қазақша", "Русский", "English"]  # the photo's step ran
    assert len(emulator.downloads) == 1  # the killed download never completed; the retry did
    await eventually(lambda: all_sent(db, 4))
    assert len(emulator.messages_to(AIGERIM)) == 3  # once: the killed send never reached "Telegram"
    assert await count(db, InboxUpdate) == 4
    assert await count(db, InboxUpdate, InboxUpdate.processed_at.is_(None)) == 0
    async with db() as s:
        aigerim = await s.scalar(select(User).where(User.display_name == f"Aigerim U{AIGERIM}"))
        assert aigerim.consent_at == consent_at  # applied once, not again after the restart
        state = await s.get(ConversationState, ("telegram", str(AIGERIM)))
        assert (state.state["step"], state.state["seq"]) == ("menu.main", 3)

    # Both conversations go on where they were.
    await emulator.user_presses(AIGERIM, menu, "My profile")
    await emulator.user_presses(BOLAT, bolat[0], "Русский")
    assert "Role: citizen" in (await emulator.wait_messages(AIGERIM, 4))[3].text
    assert "согласие" in (await emulator.wait_messages(BOLAT, 2))[1].text
    await eventually(lambda: all_sent(db, 6))
