"""The volunteer's path over the real channel adapters: WhatsApp (signed Twilio webhooks to the
bot's web server, replies at the Twilio stand-in) and Telegram (the real aiogram polling loop
against the Bot API emulator): find the event near a shared location, sign up (the calendar file
arrives as a document), cancel; and the invitation link (a t.me link's /start payload, a wa.me
link's prefilled text) opening the event's card after the language and consent."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import select

from storage.events import EventSignup
from tests.events.support import make_event
from tests.support.drivers import NUMBER, TELEGRAM_ID, driver_for
from tests.support.telegram_emulator import BOT_USERNAME

SCRIPT = [
    "hi",
    "3",  # English
    "✅ I agree",
    "Cleanup events",
    "/location 51.1282 71.4306",
]


async def signup_status(app) -> str | None:
    async with app.sessions() as session:
        signup = await session.scalar(select(EventSignup))
        return signup.status if signup else None


@pytest.mark.parametrize("channel", ["whatsapp", "telegram"])
async def test_volunteer_path_on_channel(channel: str, database_url: str, tmp_path: Path, clock) -> None:
    async with driver_for(channel, database_url, tmp_path, clock) as driver:
        await make_event(driver.app, title="Esil embankment", starts_in=timedelta(days=2))
        for turn in SCRIPT:
            await driver.say(turn)
        await driver.say("1")  # the first event of the list
        await driver.say("1")  # ✅ Sign up
        assert await signup_status(driver.app) == "going"
        if channel == "telegram":
            sent = driver.emulator.messages_to(TELEGRAM_ID)
            documents = [m for m in sent if m.method == "sendDocument"]
            assert documents and documents[0].file_name.endswith(".ics") and b"BEGIN:VCALENDAR" in documents[0].file
            card = [m for m in sent if "Esil embankment" in m.body and m.buttons][-1]
            assert any("Cancel my place" in label for label in card.labels())
        else:
            sent = driver.server.twilio.to(NUMBER)
            assert any(url.endswith(".ics") for m in sent for url in m.media_urls)
            assert any("You are signed up" in (m.body or "") for m in sent)
        await driver.say("2")  # ✖️ Cancel my place (after «Calendar file»)
        assert await signup_status(driver.app) == "cancelled"


@pytest.mark.parametrize("channel", ["whatsapp", "telegram"])
async def test_invitation_link_on_channel(channel: str, database_url: str, tmp_path: Path, clock) -> None:
    async with driver_for(channel, database_url, tmp_path, clock) as driver:
        event = await make_event(driver.app, title="Esil embankment", starts_in=timedelta(days=2))
        if channel == "telegram":
            await driver.say("/start")  # the bot learns its username from getMe as it starts polling
            link = driver.app.deep_links.link("telegram", f"ev-{event}")
            assert link == f"https://t.me/{BOT_USERNAME}?start=ev-{event}"
            first = f"/start {parse_qs(urlsplit(link).query)['start'][0]}"  # what Telegram sends
        else:
            link = driver.app.deep_links.link("whatsapp", f"ev-{event}")
            first = parse_qs(urlsplit(link).query)["text"][0]  # the text the link prefills
        await driver.say(first)
        await driver.say("3")  # English
        await driver.say("✅ I agree")
        if channel == "telegram":
            card = driver.emulator.messages_to(TELEGRAM_ID)[-1]
            assert "Esil embankment" in card.body and "✅ Sign up" in card.labels()
        else:
            card = driver.server.twilio.to(NUMBER)[-1]
            assert "Esil embankment" in (card.body or "") and "1. ✅ Sign up" in (card.body or "")
        await driver.say("1")  # ✅ Sign up
        assert await signup_status(driver.app) == "going"
