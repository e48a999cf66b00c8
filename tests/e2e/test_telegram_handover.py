"""A report made on Telegram (the real aiogram polling loop against the emulator), in Kazakh,
reaches the region's own Open311 endpoint and its e-mail address; when the akimat's system closes
it, the reporter hears it on Telegram in Kazakh."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.channels.base import RateLimits
from bot.channels.telegram import TelegramChannel
from bot.config import Settings
from bot.scheduler import run_job
from storage.reports import Report, ReportStatus
from tests.e2e.test_telegram_report import TgUser
from tests.handover.conftest import endpoint, smtp  # noqa: F401  (fixtures)
from tests.handover.test_handover import connect
from tests.support import images
from tests.support.clock import FakeClock
from tests.support.telegram_emulator import TOKEN

CHAT = 770077


@pytest.fixture
def tg_settings(database_url, tmp_path, emulator, smtp) -> Settings:  # noqa: F811
    return Settings(
        _env_file=None, DATABASE_URL=database_url, MEDIA_DIR=tmp_path / "media", BOT_TOKEN=TOKEN,
        TELEGRAM_API_URL=emulator.url, SMTP_HOST="127.0.0.1", SMTP_PORT=smtp.port, SMTP_STARTTLS=False,
    )  # fmt: skip


async def test_a_telegram_report_reaches_both_and_the_akimat_answer_comes_back_in_kazakh(
    emulator, bot, db, endpoint, smtp, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    monkeypatch.setattr(TelegramChannel, "limits", RateLimits(per_chat_per_second=100, per_chat_burst=100))
    app = await bot.start()
    user = TgUser(emulator, CHAT)
    await emulator.user_sends_text(CHAT, "/start", language="kk")
    await user.press("Қазақша")
    await user.press("✅")
    await user.press("📸")
    await user.expect("Мәзір")
    await emulator.user_sends_photo(CHAT, images.jpeg(1), language="kk")
    await user.expect("Жібере алмаймын")
    await emulator.user_sends(CHAT, location={"latitude": 43.2380, "longitude": 76.9450}, language="kk")
    await user.press("Бір қапқа сыяды")
    await user.expect("✅ Бір қапқа сыяды")
    await emulator.user_sends_text(CHAT, "1", language="kk")
    summary = await user.expect("Өтінішті жіберу")
    await emulator.user_presses(CHAT, summary, "Өтінішті жіберу")
    await emulator.wait_for(lambda: [m for m in emulator.messages_to(CHAT) if "TZ-000001" in m.body], what="the thanks")

    await connect(app, FakeClock(), endpoint, "akimat@almaty.test")
    assert "2 deliveries" in await run_job(app, "handover")
    assert "1 delivered" in await run_job(app, "handover_deliver")
    await emulator.wait_for(lambda: smtp.messages, what="the e-mail")
    assert "[TZ-000001]" in smtp.messages[0]["Subject"]
    assert [p.fields["attribute[taza_code]"] for p in endpoint.posts] == [["TZ-000001"]]
    assert endpoint.posts[0].photo[:2] == b"\xff\xd8"

    endpoint.set_status("AK-1", "closed", "Қоқыс шығарылды")
    assert "1 status change" in await run_job(app, "handover_pull")
    told = await emulator.wait_for(
        lambda: [m for m in emulator.messages_to(CHAT) if "Әкімдік қызметі" in m.body], what="the akimat's answer"
    )
    assert "Әкімдік қызметі бұл үйінді тазартылғанын хабарлайды." in told[0].body
    assert "Қоқыс шығарылды" in told[0].body and "TZ-000001" in told[0].body
    async with db() as s:
        assert (await s.scalar(select(Report))).status == ReportStatus.CLEANED
