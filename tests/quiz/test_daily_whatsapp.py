"""The daily question on WhatsApp (Twilio stand-in, signed webhooks): inside the 24-hour window it
goes as text with numbered options; outside it, with no template configured it waits in the outbox
(logged) and no second one piles up behind it, and goes out when the person writes; with a
template for `daily_question` it goes as that template. The clock starts at 11:00 in Kazakhstan."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from bot.scheduler import run_job
from storage.models import OutboxMessage, OutboxStatus
from storage.quiz import QuizAnswer, QuizRound
from tests.support.whatsapp import WhatsAppUser, bodies
from tests.whatsapp.conftest import server_settings, twilio, user, whatsapp  # noqa: F401  (fixtures)

TEMPLATE = "HX" + "d" * 32


async def subscribe(user: WhatsAppUser) -> None:
    await user.send("hi")
    await user.send("English")
    await user.send("1")  # consent
    await user.send("/daily")
    await user.send("1")  # Subscribe
    await user.send("12")  # typed: an hour, not the 12th option
    await user.send("1")  # school level
    user.new()


async def daily(whatsapp) -> list[OutboxMessage]:
    async with whatsapp.app.sessions() as s:
        rows = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
    return [row for row in rows if row.payload.get("kind") == "daily_question"]


async def run(whatsapp) -> str:
    summary = await run_job(whatsapp.app, "daily_question")
    await whatsapp.settle()
    return summary


async def test_inside_the_window_as_text_answered_by_number(whatsapp, user: WhatsAppUser, clock) -> None:
    await subscribe(user)
    clock.advance(hours=1)  # 12:00
    assert (await run(whatsapp)).startswith("sent 1 daily questions")
    [message] = user.new()
    assert message.content_sid is None and message.body.startswith("📅 Daily question")
    assert "1. " in message.body and ". 🔕 Stop the daily question" in message.body
    answered = await user.send("1")
    assert "Right!" in bodies(answered) or "Not quite" in bodies(answered)
    async with whatsapp.app.sessions() as s:
        answer = await s.scalar(select(QuizAnswer))
        round = await s.get(QuizRound, answer.round_id)
    assert (answer.option, round.kind) == (0, "daily")


async def test_outside_the_window_it_waits_and_is_logged(whatsapp, user: WhatsAppUser, clock, caplog) -> None:
    caplog.set_level(logging.INFO)
    await subscribe(user)
    clock.advance(days=2)  # 11:00 two days later: the person has not written since
    clock.advance(hours=1)
    assert (await run(whatsapp)).startswith("sent 1 daily questions")
    assert user.new() == []
    [held] = await daily(whatsapp)
    assert held.status == OutboxStatus.WAITING
    assert "no TWILIO_CONTENT_SIDS entry for kind 'daily_question'" in held.last_error
    assert f"outbox {held.id} held" in caplog.text

    clock.advance(days=1)  # the next day: no second question behind the one that waits
    summary = await run(whatsapp)
    assert summary.startswith("sent 0 daily questions; 1 still waiting")
    assert "yesterday's still waits in the outbox" in caplog.text
    assert len(await daily(whatsapp)) == 1

    replies = await user.send("hello")  # the person writes: the waiting question goes first
    assert replies[0].body.startswith("📅 Daily question")
    assert [row.status for row in await daily(whatsapp)] == [OutboxStatus.SENT]


class TestWithATemplate:
    @pytest.fixture
    def server_settings(self) -> dict[str, object]:
        return {"TWILIO_CONTENT_SIDS": {"daily_question": TEMPLATE}}

    async def test_outside_the_window_as_the_template(self, whatsapp, user: WhatsAppUser, clock) -> None:
        await subscribe(user)
        clock.advance(days=3, hours=1)
        assert (await run(whatsapp)).startswith("sent 1 daily questions")
        [message] = user.new()
        assert message.content_sid == TEMPLATE and message.body is None
        [row] = await daily(whatsapp)
        assert row.status == OutboxStatus.SENT
        question = row.payload["template_vars"]["1"]
        assert message.content_variables == {"1": question, "2": row.payload["template_vars"]["2"]}
        assert message.content_variables["2"].startswith("1) ")
        answered = await user.send("2")  # answered by its number, as the template lists them
        assert "Right!" in bodies(answered) or "Not quite" in bodies(answered)
        async with whatsapp.app.sessions() as s:
            assert (await s.scalar(select(QuizAnswer))).option == 1
