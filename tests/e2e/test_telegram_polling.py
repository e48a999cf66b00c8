"""The bot on Telegram through the real aiogram polling loop, against the Bot API emulator:
what users see AND what the database holds."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import ConversationState, Identity, InboxUpdate, OutboxMessage, User
from tests.e2e.conftest import all_sent, count, eventually
from tests.support.telegram_emulator import TelegramEmulator

CHAT = 424242


async def onboard(emulator: TelegramEmulator, chat: int = CHAT) -> list[dict]:
    """/start, English, agree: the user is at the main menu. Returns the three updates."""
    start = await emulator.user_sends_text(chat, "/start", language="ru")
    greeting = (await emulator.wait_messages(chat, 1))[-1]
    english = await emulator.user_presses(chat, greeting, "English")
    consent = (await emulator.wait_messages(chat, 2))[-1]
    agree = await emulator.user_presses(chat, consent, "✅")
    await emulator.wait_messages(chat, 3)
    return [start, english, agree]


async def test_start_language_consent_menu(emulator, bot, db) -> None:
    await bot.start()
    start = await emulator.user_sends_text(CHAT, "/start", language="ru")
    greeting = (await emulator.wait_messages(CHAT, 1))[0]
    assert "Здравствуйте" in greeting.text  # guessed from Telegram's language_code
    assert greeting.labels() == ["Қазақша", "Русский", "English"]
    assert all(len(data.encode()) <= 64 and "|" in data for _label, data in greeting.buttons)

    english = await emulator.user_presses(CHAT, greeting, "English")
    consent = (await emulator.wait_messages(CHAT, 2))[1]
    assert "/forget" in consent.text
    assert consent.labels() == ["✅ I agree", "✖️ I do not agree"]

    agree = await emulator.user_presses(CHAT, consent, "✅")
    menu = (await emulator.wait_messages(CHAT, 3))[2]
    assert "main menu" in menu.text
    assert {"📸 Report a dump", "👤 My profile", "❓ Help"} <= set(menu.labels())
    await emulator.wait_for(lambda: len(emulator.callback_answers) == 2, what="both spinners stopped")
    assert all("parse_mode" not in params for params in emulator.calls_of("sendmessage"))

    async with db() as s:
        user = await s.scalar(select(User))
        assert (user.language, user.display_name) == ("en", f"Aigerim U{CHAT}")
        assert user.consent_at is not None
        identity = await s.scalar(select(Identity))
        assert (identity.channel, identity.external_id, identity.chat_id) == ("telegram", str(CHAT), str(CHAT))
        inbox = (await s.scalars(select(InboxUpdate).order_by(InboxUpdate.id))).all()
        assert [row.update_key for row in inbox] == [str(u["update_id"]) for u in (start, english, agree)]
        assert all(row.processed_at is not None and row.error is None for row in inbox)
        state = await s.get(ConversationState, ("telegram", str(CHAT)))
        assert state.state["step"] == "menu.main"
    outbox = await eventually(lambda: all_sent(db, 3))
    assert [row.external_id for row in outbox] == [str(m.message_id) for m in emulator.messages_to(CHAT)]


async def test_same_update_delivered_twice_is_applied_once(emulator, bot, db) -> None:
    await bot.start()
    updates = await onboard(emulator)
    await emulator.replay(*(u["update_id"] for u in updates))  # Telegram serves the batch again
    await emulator.user_sends_text(CHAT, "/help")  # processed after the replays (same chat, in order)
    messages = await emulator.wait_messages(CHAT, 5)
    assert "Commands:" in messages[3].text and messages[4].buttons  # the help, then the menu
    await emulator.wait_for(lambda: emulator.confirmed_offset > updates[-1]["update_id"] + 1)

    assert len(emulator.messages_to(CHAT)) == 5  # no second greeting, no "no longer valid" notice
    assert await count(db, InboxUpdate) == 4
    assert await count(db, User) == 1
    assert await count(db, OutboxMessage) == 5
    async with db() as s:
        state = await s.get(ConversationState, ("telegram", str(CHAT)))
        assert state.state["seq"] == 4  # language, consent, menu, the menu after /help: once each


async def test_429_on_send_is_waited_out(emulator, bot, db) -> None:
    await bot.start()
    emulator.fail_next("sendMessage", times=1, retry_after=1)
    await emulator.user_sends_text(CHAT, "/start")
    await emulator.wait_messages(CHAT, 1)
    assert ("sendmessage", 429) in emulator.statuses
    [row] = await eventually(lambda: all_sent(db, 1))
    assert row.attempts == 0 and row.last_error is None  # the session middleware waited


async def test_429_beyond_the_middleware_is_rescheduled_by_the_outbox(emulator, bot, db) -> None:
    await bot.start(retries=0)  # every 429 goes back to the outbox sender
    emulator.fail_next("sendMessage", times=2, retry_after=1)
    await emulator.user_sends_text(CHAT, "/start")
    greeting = (await emulator.wait_messages(CHAT, 1))[0]
    assert "Hello" in greeting.text
    [row] = await eventually(lambda: all_sent(db, 1))
    assert "flood" in (row.last_error or "")
    assert len(emulator.messages_to(CHAT)) == 1


async def test_largest_photo_size_reaches_the_inbox(emulator, bot, db, jpeg) -> None:
    await bot.start()
    update = await emulator.user_sends_photo(CHAT, jpeg)
    await emulator.wait_messages(CHAT, 1)  # a new user: the greeting
    big = update["message"]["photo"][-1]["file_id"]
    assert emulator.downloads == [emulator.files[big][0]]  # fetched before the step ran
    async with db() as s:
        row = await s.scalar(select(InboxUpdate).where(InboxUpdate.update_key == str(update["update_id"])))
        assert row.payload["photo"]["file_id"] == big and row.processed_at is not None


async def test_other_content_and_commands_for_other_bots(emulator, bot, db) -> None:
    await bot.start()
    sticker = {"file_id": "s1", "file_unique_id": "s1", "type": "regular", "width": 512, "height": 512,
               "is_animated": False, "is_video": False}
    await emulator.user_sends(CHAT, sticker=sticker)
    replies = await emulator.wait_messages(CHAT, 1)
    assert replies[0].labels() == ["Қазақша", "Русский", "English"]  # an answer, not silence
    await emulator.user_sends_text(CHAT, "/help@SomeOtherBot")  # not for us: ignored
    await emulator.user_sends_text(CHAT, "/HELP@TazaTestBot")
    replies = await emulator.wait_messages(CHAT, 2)
    assert "Commands:" in replies[1].text
    await emulator.wait_for(lambda: emulator.confirmed_offset > max(emulator.history))
    assert len(emulator.messages_to(CHAT)) == 2
    assert await count(db, InboxUpdate) == 2  # the other bot's command was never stored


async def test_a_batch_is_stored_with_one_insert(emulator, bot, db) -> None:
    """Updates waiting at Telegram arrive as one getUpdates batch and go to the inbox together,
    before the dispatcher handles the first of them."""
    chats = [CHAT + n for n in range(3)]
    for chat in chats:
        await emulator.user_sends_text(chat, "/start", language="en")
    app = await bot.start()
    stored_batches: list[int] = []
    store = app.engine.store

    async def counting_store(incomings):
        stored_batches.append(len(incomings))
        await store(incomings)

    app.engine.store = counting_store  # type: ignore[method-assign]
    for chat in chats:
        await emulator.wait_messages(chat, 1)
    assert stored_batches == [3]
    assert await count(db, InboxUpdate, InboxUpdate.processed_at.is_not(None)) == 3
