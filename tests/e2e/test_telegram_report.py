"""A whole dump report over Telegram: a real photo through getFile, a shared location, buttons,
and the summary sent back as a photo with its caption and keyboard."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel
from storage.reports import Report
from tests.support import images
from tests.support.telegram_emulator import Sent, TelegramEmulator

CHAT = 880088


@dataclass
class TgUser:
    """Acts only on messages that arrived after its previous action, so it never presses a
    button of an earlier prompt while the bot is still answering."""

    emulator: TelegramEmulator
    chat: int
    seen: int = 0

    async def expect(self, label: str) -> Sent:
        def newest() -> Sent | None:
            for message in reversed(self.emulator.messages_to(self.chat)[self.seen :]):
                if any(label.casefold() in text.casefold() for text in message.labels()):
                    return message
            return None

        message = await self.emulator.wait_for(newest, what=f"a button {label!r}")
        self.seen = len(self.emulator.messages_to(self.chat))
        return message

    async def press(self, label: str) -> Sent:
        message = await self.expect(label)
        await self.emulator.user_presses(self.chat, message, label)
        return message


async def test_report_a_dump_over_telegram(emulator, bot, db, monkeypatch: pytest.MonkeyPatch) -> None:
    # The platform's per-chat pace (1/s) is kept by the outbox in real use; here it would only
    # make the test slow.
    monkeypatch.setattr(TelegramChannel, "limits", RateLimits(per_chat_per_second=100, per_chat_burst=100))
    await bot.start()
    user = TgUser(emulator, CHAT)
    await emulator.user_sends_text(CHAT, "/start")
    await user.press("English")
    await user.press("✅")
    await user.press("📸")
    await user.expect("Menu")
    photo = images.jpeg(1)
    await emulator.user_sends_photo(CHAT, photo)  # the photo step ends by itself
    await user.expect("choose the region")
    await emulator.user_sends(CHAT, location={"latitude": 51.1282, "longitude": 71.4306})
    await user.press("bag")  # the size, on the same screen as the kinds of waste
    await user.expect("✅ Fits in a bag")
    await emulator.user_sends_text(CHAT, "1")  # household waste, by its number: the summary
    summary = await user.expect("Send the report")
    assert summary.method == "sendPhoto" and "Astana" in summary.caption and summary.file
    await emulator.user_presses(CHAT, summary, "Send the report")
    thanks = await emulator.wait_for(
        lambda: [m for m in emulator.messages_to(CHAT) if "TZ-000001" in m.body], what="the thanks"
    )
    assert "Thank you" in thanks[0].body

    async with db() as s:
        report = await s.scalar(select(Report))
        assert (report.status, report.region_code, report.size) == ("new", "KZ-71", "bag")
        assert len(report.photos) == 1
