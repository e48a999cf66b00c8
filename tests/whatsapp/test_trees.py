"""The tree log over WhatsApp: numbered answers and typed labels, a photo fetched from the media
stand-in, the summary's photo served to Twilio, and a check-in answered by its number."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.scheduler import run_job
from storage.models import Identity
from storage.trees import TreePlanting
from tests.support.images import jpeg
from tests.support.whatsapp import WhatsAppUser, bodies
from tests.trees.support import plant


async def test_log_a_planting_and_answer_a_check_in(whatsapp, twilio, user: WhatsAppUser, clock) -> None:
    await user.send("Сәлем")
    await user.send("2")  # Русский
    await user.send("1")  # даю согласие
    await user.send("Мои деревья")  # the menu entry by its text
    asked = await user.send("Записать посадку")
    assert "Берёза" in asked[-1].body
    await user.send("Берёза")
    where = await user.send("2")  # two trees: the question takes a number, not the second option
    assert "📍" in where[-1].body
    located = await user.location(51.1282, 71.4304)
    assert "Сегодня" in located[-1].body
    await user.send("Сегодня")
    await user.photo(twilio.add_media("ME0042", jpeg(seed=11)))
    summary = await user.send("Пропустить")
    card = summary[-1]
    assert "Берёза × 2" in card.body and "город Астана" in card.body and len(card.media_urls) == 1
    saved = await user.send("Сохранить посадку")
    assert "Сохранено" in bodies(saved)

    async with whatsapp.app.sessions() as s:
        planting = await s.scalar(select(TreePlanting))
        owner = await s.scalar(select(Identity).where(Identity.user_id == planting.owner_id))
        assert (owner.channel, planting.count, planting.planted_on) == ("whatsapp", 2, date(2026, 6, 1))
        assert len(planting.photos) == 1

    await plant(whatsapp.app, planting.owner_id, count=4, planted_on=date(2025, 12, 1), logged_at=clock.now.replace(year=2025, month=12))
    assert await run_job(whatsapp.app, "trees") == "asked 1, reminded 0, recorded 0 unanswered"
    await whatsapp.settle()
    question = user.new()[-1]
    assert "6 месяцев назад" in question.body and "1. ✍️ Ответить" in question.body
    alive = await user.send("1")  # «Answer», by its number on the question the job sent
    assert "Сколько из этих деревьев" in alive[-1].body
    await user.send("3")
    done = await user.send("Пропустить")
    assert "Проверка записана" in bodies(done) and "живы: 3 из 4" in bodies(done)
