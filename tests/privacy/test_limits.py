"""Issue 17, points 6 and 8: limits per person that protect users and money, kept across /forget."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.limits import UsageCounter
from tests.reports.test_report import ASTANA, report_dump
from tests.support.chat import Chat, texts

TOMORROW = "come back tomorrow"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"REPORTS_PER_DAY": 2})


async def test_daily_report_limit_outlives_forget_and_start(app, clock) -> None:
    chat = Chat(app, "+77015550199", channel="whatsapp", display_name="Aigerim")
    await chat.onboard()
    for n in range(2):
        await report_dump(chat, seed=200 + n, point=(ASTANA[0] + n * 0.01, ASTANA[1]))
        await chat.send("/menu")
    assert TOMORROW in texts(await chat.click("📸"))

    await chat.send("/forget")
    await chat.click("Yes, delete")
    await chat.onboard()  # a new user for the same number
    assert TOMORROW in texts(await chat.click("📸"))

    async with app.sessions() as s:  # the counter names no one
        subjects = (await s.scalars(select(UsageCounter.subject))).all()
    assert subjects and all("77015550199" not in subject for subject in subjects)

    clock.advance(days=1)
    await chat.send("/menu")
    assert "Send a photo" in texts(await chat.click("📸"))
