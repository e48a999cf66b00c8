"""A wa.me link prefills "/start PAYLOAD"; sent through the signed webhook, it opens its target
after the language and consent, like a t.me link on Telegram."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.support.links import add_probe
from tests.support.twilio_standin import BOT_NUMBER
from tests.support.whatsapp import WhatsAppUser, bodies


def prefilled_text(link: str) -> str:
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/" + BOT_NUMBER.removeprefix("whatsapp:+"))
    return parse_qs(parts.query)["text"][0]


async def test_prefilled_text_opens_the_target_after_consent(whatsapp, user: WhatsAppUser) -> None:
    opened = add_probe(whatsapp.app)
    text = prefilled_text(whatsapp.app.deep_links.link("whatsapp", "probe-42"))
    assert text == "/start probe-42"

    greeting = await user.send(text)
    assert greeting[-1].body.endswith("1. Қазақша\n2. Русский\n3. English")
    consent = await user.send("3")
    assert "/forget" in consent[-1].body and opened == []
    target = await user.send("1")
    assert bodies(target) == "probe opened 42"
    assert opened == ["42"]


async def test_report_link_of_someone_else(whatsapp, user: WhatsAppUser) -> None:
    await user.send("/start")
    await user.send("3")
    await user.send("1")
    replies = await user.send(prefilled_text(whatsapp.app.deep_links.link("whatsapp", "r-1")))
    assert "This link is not valid, or the report is not yours." in bodies(replies)
    assert "1. 📸 Report a dump" in replies[-1].body
