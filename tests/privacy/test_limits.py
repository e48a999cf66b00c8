"""Issue 17, points 6 and 8: limits per person that protect users and money, kept across /forget."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.ratelimit import InputLimiter
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


FLOOD = [
    ("Қазақша", "Сіз хабарларды тым жиі жіберіп жатырсыз"),
    ("Русский", "Вы отправляете сообщения слишком часто"),
    ("English", "You are sending messages too fast"),
]


@pytest.mark.parametrize("language,warning", FLOOD, ids=["kk", "ru", "en"])
async def test_too_many_inputs_a_minute_get_one_warning_then_silence(app, clock, language, warning) -> None:
    limit = 8
    app.engine.admit = InputLimiter(limit)
    chat = Chat(app, "flooder", channel="telegram")
    await chat.onboard(language)  # 3 inputs
    for _ in range(limit - 3):
        assert await chat.send("/help")  # still answered
    first_excess = await chat.send("/help")
    assert len(first_excess) == 1 and warning in first_excess[0].text
    for _ in range(20):
        assert await chat.send("/help") == []  # no message out per excess input
    clock.advance(minutes=1)
    assert warning not in texts(await chat.send("/help"))

    local = Chat(app, "local")  # the console trial chat is not limited
    for _ in range(limit + 5):
        assert warning not in texts(await local.send("/help"))


async def test_whatsapp_flood_costs_one_warning(whatsapp_flood) -> None:
    server, user = whatsapp_flood
    for n in range(5):  # INPUTS_PER_MINUTE: answered as usual
        assert (await server.post("/whatsapp", user.form(Body=f"hi {n}")))[0] == 200
    await server.settle()
    assert user.new()
    for n in range(55):  # the flood: one warning, nothing else
        assert (await server.post("/whatsapp", user.form(Body=f"hi {n}")))[0] == 200
    await server.settle()
    sent = user.new()
    assert len(sent) == 1 and "слишком часто" in (sent[0].body or "")


@pytest.fixture
async def whatsapp_flood(database_url, tmp_path, clock):
    from tests.support.twilio_standin import TwilioStandIn
    from tests.support.whatsapp import WhatsAppUser, start_server

    twilio = TwilioStandIn()
    await twilio.start()
    server = await start_server(twilio, database_url, tmp_path / "media", clock, INPUTS_PER_MINUTE=5)
    yield server, WhatsAppUser(server)
    await server.close()
    await twilio.stop()
