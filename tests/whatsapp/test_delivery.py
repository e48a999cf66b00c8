"""Sending: the 24-hour window (templates or waiting), delivery failures from the status callback,
429 and 5xx retried, and what a restart finds in the inbox and outbox."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import select

from handlers.types import Incoming, Kind, Reply
from storage.models import InboxUpdate, OutboxMessage
from tests.support.whatsapp import WhatsAppUser, start_server


async def onboard(user: WhatsAppUser) -> None:
    await user.send("hi")
    await user.send("English")
    await user.send("1")
    user.new()


async def queue(whatsapp, chat_id: str, reply: Reply) -> int:
    """An outbox row as a job (status update, reminder) writes it."""
    now = whatsapp.app.engine.clock()
    async with whatsapp.app.sessions() as s, s.begin():
        row = OutboxMessage(
            channel="whatsapp", chat_id=chat_id, payload=reply.to_json(), created_at=now, next_attempt_at=now
        )
        s.add(row)
    return row.id


async def row(whatsapp, row_id: int) -> OutboxMessage:
    async with whatsapp.app.sessions() as s:
        return await s.get(OutboxMessage, row_id)


STATUS = Reply(text="Your report #7 was cleaned. Thank you!", kind="status_update", template_vars={"1": "#7"})


async def test_inside_the_window_a_status_update_is_free_text(whatsapp, user: WhatsAppUser, clock) -> None:
    await onboard(user)
    clock.advance(hours=23)
    row_id = await queue(whatsapp, user.number, STATUS)
    await whatsapp.app.sender.flush()
    [message] = user.new()
    assert message.body == STATUS.text and message.content_sid is None
    assert (await row(whatsapp, row_id)).status == "sent"


async def test_outside_the_window_held_until_the_user_writes(
    whatsapp, user: WhatsAppUser, clock, caplog
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    await onboard(user)
    clock.advance(hours=25)
    row_id = await queue(whatsapp, user.number, STATUS)
    await whatsapp.app.sender.flush()
    assert user.new() == []
    held = await row(whatsapp, row_id)
    assert held.status == "waiting" and "24-hour window closed" in held.last_error
    assert "no TWILIO_CONTENT_SIDS entry for kind 'status_update'" in held.last_error
    assert f"outbox {row_id} held" in caplog.text

    clock.advance(hours=30)
    replies = await user.send("hello again")
    assert replies[0].body == STATUS.text  # released in the answer's step, so it goes out first
    assert (await row(whatsapp, row_id)).status == "sent"


class TestWithTemplates:
    @pytest.fixture
    def server_settings(self) -> dict[str, object]:
        return {"TWILIO_CONTENT_SIDS": {"status_update": "HX0123456789abcdef0123456789abcdef"}}

    async def test_outside_the_window_a_template_when_configured(
        self, whatsapp, user: WhatsAppUser, clock
    ) -> None:
        await onboard(user)
        clock.advance(days=3)
        row_id = await queue(whatsapp, user.number, STATUS)
        reminder = await queue(whatsapp, user.number, Reply(text="Cleanup tomorrow", kind="reminder"))
        await whatsapp.app.sender.flush()
        [message] = user.new()
        assert message.content_sid == "HX0123456789abcdef0123456789abcdef"
        assert message.content_variables == {"1": "#7"} and message.body is None
        sent = await row(whatsapp, row_id)
        assert sent.status == "sent" and sent.external_id == message.sid
        assert (await row(whatsapp, reminder)).status == "waiting"  # no template for reminders


async def status_callback(whatsapp, message, **fields: str) -> int:
    path = message.status_callback.removeprefix(whatsapp.base_url)
    form = {"MessageSid": message.sid, "AccountSid": whatsapp.twilio.account_sid, **fields}
    status, _ = await whatsapp.post(path, form)
    return status


async def test_delivery_failure_recorded_from_the_status_callback(whatsapp, user: WhatsAppUser) -> None:
    await onboard(user)
    row_id = await queue(whatsapp, user.number, Reply(text="A notification"))
    await whatsapp.app.sender.flush()
    [message] = user.new()
    assert (await row(whatsapp, row_id)).external_id == message.sid

    unsigned = await whatsapp.post(
        "/whatsapp/status", {"MessageSid": message.sid, "MessageStatus": "failed"}, signature=None
    )
    assert unsigned[0] == 403 and (await row(whatsapp, row_id)).status == "sent"

    assert await status_callback(whatsapp, message, MessageStatus="delivered") == 204
    assert (await row(whatsapp, row_id)).status == "sent"
    assert await status_callback(
        whatsapp, message, MessageStatus="undelivered", ErrorCode="30008", ErrorMessage="Unknown error"
    ) == 204
    failed = await row(whatsapp, row_id)
    assert failed.status == "failed" and failed.last_error == "twilio undelivered 30008: Unknown error"


async def test_63016_waits_for_the_next_message(whatsapp, user: WhatsAppUser) -> None:
    """Twilio says the window was closed after all: the message waits for the user, then goes."""
    await onboard(user)
    row_id = await queue(whatsapp, user.number, Reply(text="Your report was queued", kind="status_update"))
    await whatsapp.app.sender.flush()
    [message] = user.new()
    await status_callback(whatsapp, message, MessageStatus="failed", ErrorCode="63016")
    assert (await row(whatsapp, row_id)).status == "waiting"
    replies = await user.send("menu")
    assert "Your report was queued" in [m.body for m in replies]
    assert (await row(whatsapp, row_id)).status == "sent"


async def test_failure_of_a_later_part_is_recorded_on_its_row(whatsapp, user: WhatsAppUser) -> None:
    await onboard(user)
    long_text = "\n\n".join(["word " * 250] * 3)
    row_id = await queue(whatsapp, user.number, Reply(text=long_text))
    await whatsapp.app.sender.flush()
    parts = user.new()
    assert len(parts) == 3 and (await row(whatsapp, row_id)).external_id == parts[0].sid
    assert parts[2].status_callback.endswith(f"/whatsapp/status?message={parts[0].sid}")
    await status_callback(whatsapp, parts[2], MessageStatus="undelivered", ErrorCode="30003")
    assert (await row(whatsapp, row_id)).status == "failed"


async def test_429_and_5xx_are_retried(whatsapp, twilio, user: WhatsAppUser, clock) -> None:
    await onboard(user)
    twilio.fail_next(429, retry_after=0)
    assert await user.send("/help") == []
    async with whatsapp.app.sessions() as s:
        pending = select(OutboxMessage).where(OutboxMessage.status == "pending").order_by(OutboxMessage.id)
        waiting = (await s.scalars(pending)).all()
    assert len(waiting) == 2 and "429" in waiting[0].last_error and waiting[0].attempts == 0

    twilio.fail_next(503)
    await whatsapp.app.sender.flush()  # the first answer meets a 503: backoff
    assert user.new() == [] and (await row(whatsapp, waiting[0].id)).attempts == 1
    clock.advance(seconds=5)
    await whatsapp.app.sender.flush()
    answers = user.new()
    assert "Commands:" in answers[0].body and "Main menu" in answers[1].body  # in order
    assert twilio.refused == [429, 503]
    assert (await row(whatsapp, waiting[0].id)).status == "sent"


async def test_a_refused_number_fails_for_good(whatsapp, twilio, user: WhatsAppUser) -> None:
    await onboard(user)
    twilio.fail_next(400, code=63024)  # invalid message recipient
    row_id = await queue(whatsapp, user.number, Reply(text="hello"))
    await whatsapp.app.sender.flush()
    failed = await row(whatsapp, row_id)
    assert failed.status == "failed" and "63024" in failed.last_error


async def test_restart_processes_stored_updates_and_releases_held(
    twilio, database_url, tmp_path, clock
) -> None:
    first = await start_server(twilio, database_url, tmp_path / "media", clock)
    user = WhatsAppUser(first)
    await onboard(user)
    clock.advance(hours=25)
    held = await queue(first, user.number, STATUS)
    await first.app.sender.flush()
    assert (await row(first, held)).status == "waiting"
    # Stored (the 200 went out), then the process died before handling it.
    await first.app.engine.store(
        [Incoming("whatsapp", user.number, user.number, "SMcrashed", Kind.TEXT, text="/help")]
    )
    await first.close()

    second = await start_server(twilio, database_url, tmp_path / "media", clock)
    try:
        await second.settle()
        user.server = second
        texts = [m.body for m in user.new()]
        assert any("Commands:" in t for t in texts) and STATUS.text in texts
        async with second.app.sessions() as s:
            inbox = await s.scalar(select(InboxUpdate).where(InboxUpdate.update_key == "SMcrashed"))
            assert inbox.processed_at is not None
        assert (await row(second, held)).status == "sent"
    finally:
        await second.close()
