"""A whole conversation over signed webhooks, answered through the Twilio stand-in."""

from __future__ import annotations

import json

from sqlalchemy import select

from storage.models import ConversationState, Identity, InboxUpdate, OutboxMessage, User
from tests.support.twilio_standin import BOT_NUMBER
from tests.support.whatsapp import WhatsAppUser, bodies


async def test_hi_language_consent_menu_profile(whatsapp, user: WhatsAppUser, clock) -> None:
    greeting = await user.send("hi")
    assert len(greeting) == 1
    message = greeting[0]
    assert message.from_ == BOT_NUMBER and message.to == "whatsapp:+77011234567"
    # WhatsApp sends no language: the greeting is in Kazakh, Russian and English, and asks for one.
    assert "Тілді таңдаңыз / Выберите язык / Choose your language" in message.body
    assert message.body.index("Сәлеметсіз бе") < message.body.index("Здравствуйте") < message.body.index("Hello")
    assert message.body.endswith("1. Қазақша\n2. Русский\n3. English")
    assert message.status_callback == f"{whatsapp.base_url}/whatsapp/status"

    consent = await user.send("3")
    assert "/forget" in consent[-1].body
    assert consent[-1].body.endswith("1. ✅ I agree\n2. ✖️ I do not agree")

    menu = await user.send("I agree")  # an option's text picks it as well as its number
    assert "Thank you! Here is the main menu." in bodies(menu)
    entries = menu[-1].body.split("\n\n")[-1].splitlines()
    assert entries[0] == "1. 📸 Report a dump"
    number = next(line.split(".")[0] for line in entries if line.endswith("👤 My profile"))

    profile = await user.send(number)
    text = bodies(profile)
    assert "Name: Aigerim" in text  # WhatsApp's ProfileName
    assert "Account: WhatsApp +77011234567" in text
    assert "3. ⬅️ Menu" in profile[-1].body

    data = await user.send("1")  # download my data: in words, then a document served as a media URL
    assert data[0].body.startswith("Here is everything I keep about you:\nName: Aigerim")
    document = data[1]
    assert document.body == "The complete copy of your data is in this file."
    assert len(document.media_urls) == 1
    async with whatsapp.http.get(document.media_urls[0]) as response:
        assert response.status == 200
        exported = json.loads(await response.read())
    assert exported["accounts"][0] == {
        "channel": "whatsapp",
        "id": "+77011234567",
        "last_message_at": clock.now.isoformat(),
    }
    assert "Main menu" in data[-1].body

    async with whatsapp.app.sessions() as s:
        person = await s.scalar(select(User).join(Identity).where(Identity.external_id == "+77011234567"))
        assert person.language == "en" and person.consent_at is not None
        assert person.display_name == "Aigerim"
        identity = await s.scalar(select(Identity).where(Identity.user_id == person.id))
        assert (identity.channel, identity.chat_id) == ("whatsapp", "+77011234567")
        state = await s.get(ConversationState, ("whatsapp", "+77011234567"))
        assert state.state["step"] == "menu.main"
        inbox = (await s.scalars(select(InboxUpdate))).all()
        assert len(inbox) == 5 and all(row.processed_at and not row.error for row in inbox)
        outbox = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        assert {row.status for row in outbox} == {"sent"}
        assert [row.external_id for row in outbox] == [m.sid for m in user.received]


async def test_commands_and_russian(user: WhatsAppUser) -> None:
    await user.send("Сәлем")
    await user.send("Русский")
    await user.send("1")
    help_text = await user.send("/help")
    assert "Команды:" in help_text[0].body
    unknown = await user.send("/dance")
    assert "/help" in unknown[0].body


async def test_long_reply_is_split_cleanly(user: WhatsAppUser, whatsapp) -> None:
    from handlers.types import Reply

    channel = whatsapp.app.channels["whatsapp"]
    await user.send("hi")  # opens the 24-hour window
    paragraph = "Taza Qazaqstan cleanup news. " * 20
    text = "\n\n".join(f"{n}: {paragraph.strip()}" for n in range(6))
    await channel.send(user.number, Reply(text=text))
    parts = user.new()
    assert len(parts) == 3 and all(len(p.body) <= 1600 for p in parts)
    assert "\n\n".join(p.body for p in parts) == text
