"""A t.me link on Telegram: the bot learns its username from getMe, makes the link, and the
"/start PAYLOAD" Telegram sends for it opens the target after the language and consent."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.e2e.conftest import eventually
from tests.support.links import add_probe
from tests.support.telegram_emulator import BOT_USERNAME, TelegramEmulator

CHAT = 515151


async def test_t_me_link_opens_after_consent(emulator: TelegramEmulator, bot) -> None:
    app = await bot.start()
    opened = add_probe(app)

    async def link() -> str | None:
        return app.deep_links.link("telegram", "probe-9")

    url = await eventually(link)  # known once getMe has answered
    assert url == f"https://t.me/{BOT_USERNAME}?start=probe-9"

    start = parse_qs(urlsplit(url).query)["start"][0]
    await emulator.user_sends_text(CHAT, f"/start {start}")  # what Telegram sends for the link
    greeting = (await emulator.wait_messages(CHAT, 1))[-1]
    await emulator.user_presses(CHAT, greeting, "English")
    consent = (await emulator.wait_messages(CHAT, 2))[-1]
    assert opened == []
    await emulator.user_presses(CHAT, consent, "✅")
    target = (await emulator.wait_messages(CHAT, 3))[-1]
    assert target.text == "probe opened 9"
    assert opened == ["9"]
