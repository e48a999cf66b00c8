"""Invitation links: the organiser gets the event's t.me and wa.me links and a poster whose QR code
decodes to the link; `/start ev-<id>` opens the event's card after the language and consent; a
link to an event that does not exist gets a clear answer and the menu."""

from __future__ import annotations

import io
from urllib.parse import parse_qs, urlsplit

import zxingcpp
from PIL import Image

from tests.events.support import make_event, user_id
from tests.support.chat import Chat, labels, texts


async def test_links_and_poster_for_the_organiser(app) -> None:
    app.deep_links.telegram_bot = "taza_test_bot"
    app.deep_links.whatsapp_number = "+14155238886"
    admin = Chat(app, "admin")
    await admin.onboard("Қазақша")
    event = await make_event(app, title="Есіл жағалауы", organiser=await user_id(app, admin))
    await admin.press(f"evo:manage:{event}", None)
    sent = await admin.click("Шақыру сілтемесі")
    telegram = f"https://t.me/taza_test_bot?start=ev-{event}"
    assert telegram in texts(sent)
    whatsapp = next(line.split(": ", 1)[1] for line in texts(sent).splitlines() if line.startswith("WhatsApp: "))
    assert parse_qs(urlsplit(whatsapp).query)["text"] == [f"/start ev-{event}"] and "wa.me/14155238886" in whatsapp
    poster = next(r.document for r in sent if r.document)
    assert poster.mime_type == "image/png" and poster.filename.endswith("poster.png")
    image = Image.open(io.BytesIO(poster.data))
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [telegram]


async def test_no_links_without_the_bot_addresses(app) -> None:
    admin = Chat(app, "admin")
    await admin.onboard()
    event = await make_event(app)
    sent = await admin.press(f"evo:invite:{event}", None)
    assert f"/start ev-{event}" in texts(sent) and not any(r.document for r in sent)


async def test_start_link_opens_the_card_after_consent(app) -> None:
    event = await make_event(app, title="Esil embankment")
    chat = Chat(app, "newcomer")
    greeting = await chat.send(f"/start ev-{event}")
    assert "Choose your language" in greeting[-1].text
    await chat.click("English")
    card = await chat.click("✅")
    assert "Esil embankment" in card[-1].text and "Sign up" in " ".join(labels(card[-1]))
    await chat.click("Sign up")
    missing = await chat.send("/start ev-999")
    assert "This invitation link is not valid" in texts(missing) and "My profile" in " ".join(labels(missing[-1]))
