"""The tree log over Telegram: a planting logged with a photo through getFile and a shared
location, the summary as a photo with its keyboard, then a survival check-in the job sends,
answered with the buttons and a typed number."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel
from handlers.i18n import KZ_TZ
from bot.scheduler import run_job
from storage.trees import TreePlanting, add_months
from tests.e2e.test_telegram_report import TgUser
from tests.support import images

CHAT = 880099


async def test_log_a_planting_and_answer_a_check_in(emulator, bot, db, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(TelegramChannel, "limits", RateLimits(per_chat_per_second=100, per_chat_burst=100))
    app = await bot.start()
    user = TgUser(emulator, CHAT)
    await emulator.user_sends_text(CHAT, "/start")
    await user.press("English")
    await user.press("✅")
    await user.press("My trees")
    await user.press("Log a planting")
    await user.press("Birch")
    await user.expect("Cancel")  # how many?
    await emulator.user_sends_text(CHAT, "3")  # a number, not the third button
    await user.expect("Cancel")  # where?
    await emulator.user_sends(CHAT, location={"latitude": 51.1282, "longitude": 71.4306})
    await user.press("Yesterday")
    await user.expect("Skip")  # a photo?
    await emulator.user_sends_photo(CHAT, images.jpeg(2))
    await user.press("Skip")  # no note
    summary = await user.expect("Save the planting")
    assert summary.method == "sendPhoto" and "Birch × 3" in summary.caption and summary.file
    await emulator.user_presses(CHAT, summary, "Save the planting")
    card = await user.expect("Add a check-in")
    assert "Saved" in card.body

    async with db() as s:
        planting = await s.scalar(select(TreePlanting))
        assert (planting.species, planting.count, planting.region_code) == ("birch", 3, "KZ-71")
        # Move the planting back in time: six months and a day ago, logged the same day.
        now = app.engine.clock()
        planting.planted_on = add_months(now.astimezone(KZ_TZ).date(), -6) - timedelta(days=1)
        planting.created_at = now - timedelta(days=190)
        await s.commit()
    assert await run_job(app, "trees") == "asked 1, reminded 0, recorded 0 unanswered"
    await user.press("Answer")
    await user.expect("All of them")
    await emulator.user_sends_text(CHAT, "2")
    await user.press("Skip")
    after = await user.expect("Add a check-in")
    assert "alive: 2 of 3" in after.body
    async with db() as s:
        planting = await s.scalar(select(TreePlanting))
        assert [(c.source, c.alive) for c in planting.captures][-1] == ("checkin", 2)
