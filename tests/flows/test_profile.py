"""My profile, /mydata and /forget, in kk, ru and en."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from storage.models import ConversationState, Identity, InboxUpdate, OutboxMessage, User
from tests.support.chat import Chat, labels

FORGET = [
    ("Қазақша", "Иә, деректерімді жою", "Дербес деректеріңіз жойылды"),
    ("Русский", "Да, удалить мои данные", "Ваши персональные данные удалены"),
    ("English", "Yes, delete my data", "Your personal data has been deleted"),
]


@pytest.mark.parametrize("language,confirm,done", FORGET)
async def test_forget_after_confirmation(app, language, confirm, done) -> None:
    chat = Chat(app, "erlan", display_name="Erlan Sadykov")
    await chat.onboard(language)
    await chat.send("/forget")
    replies = await chat.click(confirm)
    assert done in replies[-1].text

    async with app.sessions() as s:
        user = await s.scalar(select(User))
        assert user.display_name is None and user.language is None and user.consent_at is None
        assert user.forgotten_at is not None
        assert await s.scalar(select(func.count()).select_from(Identity)) == 0
        # Nothing the person wrote, nothing said to them, not even the farewell once it went out,
        # and no conversation state keyed by their chat.
        assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 0
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == 0
        assert await s.scalar(select(func.count()).select_from(ConversationState)) == 0

    # The same account starts from scratch: a new user, asked for language and consent again.
    again = await chat.send("/start")
    assert labels(again[-1]) == ["Қазақша", "Русский", "English"]
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(User)) == 2


async def test_forget_can_be_abandoned(app, chat: Chat) -> None:
    await chat.onboard("English")
    await chat.send("/forget")
    await chat.click("Menu")
    async with app.sessions() as s:
        assert (await s.scalar(select(User))).forgotten_at is None
        state = await s.get(ConversationState, ("console", "alice"))
        assert state.state["step"] == "menu.main"


async def test_profile_and_my_data(app) -> None:
    chat = Chat(app, "admin", display_name="Admin Adminov")  # console:admin is in ADMINS
    await chat.onboard("Русский")
    profile = await chat.click("Мой профиль")
    text = profile[-1].text
    assert "Имя: Admin Adminov" in text and "Роль: администратор" in text
    assert "Согласие дано:" in text and "2026" in text

    replies = await chat.click("Скачать")
    document = next(r.document for r in replies if r.document)
    data = json.loads(document.data)
    assert data["user"]["name"] == "Admin Adminov"
    assert data["user"]["language"] == "ru"
    assert data["accounts"] == [
        {"channel": "console", "id": "admin", "last_message_at": data["accounts"][0]["last_message_at"]}
    ]
    async with app.sessions() as s:  # once sent, the copy is not kept in the outbox
        payloads = (await s.scalars(select(OutboxMessage.payload))).all()
    assert payloads and all(not p.get("document") for p in payloads)


async def test_dates_in_kazakhstan_time(app, clock) -> None:
    from datetime import datetime, timezone

    clock.now = datetime(2026, 3, 10, 20, 30, tzinfo=timezone.utc)  # 01:30 on 11 March in UTC+5
    chat = Chat(app, "timur")
    await chat.onboard("English")
    profile = await chat.click("My profile")
    assert "Mar 11, 2026" in profile[-1].text and "1:30" in profile[-1].text
