"""Only Twilio's signed requests are heard; a repeated MessageSid is applied once."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import Identity, InboxUpdate, OutboxMessage
from tests.support.whatsapp import WhatsAppUser


async def counts(whatsapp) -> tuple[int, int, int]:
    async with whatsapp.app.sessions() as s:
        return (
            await s.scalar(select(func.count()).select_from(InboxUpdate)),
            await s.scalar(select(func.count()).select_from(OutboxMessage)),
            await s.scalar(select(func.count()).select_from(Identity)),
        )


@pytest.mark.parametrize(
    "signature",
    [None, "", "bm90IGEgc2lnbmF0dXJl", "wrong-token"],
    ids=["missing", "empty", "garbage", "other-token"],
)
async def test_unsigned_or_wrongly_signed_is_refused(whatsapp, user: WhatsAppUser, signature) -> None:
    form = user.form(Body="hi")
    if signature == "wrong-token":
        from twilio.request_validator import RequestValidator

        signature = RequestValidator("another-token").compute_signature(
            whatsapp.base_url + "/whatsapp", form
        )
    status, _ = await whatsapp.post("/whatsapp", form, signature=signature)
    assert status == 403
    await whatsapp.settle()
    assert await counts(whatsapp) == (0, 0, 0)
    assert whatsapp.twilio.sent == []


async def test_tampered_form_is_refused(whatsapp, user: WhatsAppUser) -> None:
    """A signature made for one body does not cover another (or another URL)."""
    form = user.form(Body="hi")
    good = whatsapp.sign("/whatsapp", form)
    assert (await whatsapp.post("/whatsapp", {**form, "Body": "/forget"}, signature=good))[0] == 403
    assert (await whatsapp.post("/whatsapp/status", form, signature=good))[0] == 403
    assert await counts(whatsapp) == (0, 0, 0)


async def test_replayed_message_sid_is_applied_once(whatsapp, user: WhatsAppUser) -> None:
    form = user.form(Body="hi")
    first = await user.deliver(form)
    assert len(first) == 1
    again = await user.deliver(form)  # Twilio retrying, or someone replaying a captured request
    also = await user.deliver(form)
    assert again == [] and also == []
    async with whatsapp.app.sessions() as s:
        rows = (await s.scalars(select(InboxUpdate))).all()
        assert [(r.update_key, r.processed_at is not None) for r in rows] == [(form["MessageSid"], True)]
    assert await counts(whatsapp) == (1, 1, 1)


async def test_signed_but_not_a_message(whatsapp, user: WhatsAppUser) -> None:
    form = user.form(Body="hi", From="+77011234567")  # an SMS address, not whatsapp:
    assert (await whatsapp.post("/whatsapp", form))[0] == 400
    no_sid = {k: v for k, v in user.form(Body="hi").items() if k != "MessageSid"}
    assert (await whatsapp.post("/whatsapp", no_sid))[0] == 400
    assert await counts(whatsapp) == (0, 0, 0)


async def test_behind_a_proxy_the_public_url_is_signed(twilio, database_url, tmp_path, clock) -> None:
    """Twilio signs the URL it called (PUBLIC_BASE_URL), not the address the bot listens on."""
    from tests.support.whatsapp import start_server

    server = await start_server(
        twilio, database_url, tmp_path / "media", clock, PUBLIC_BASE_URL="https://taza.example.kz/bot"
    )
    try:
        user = WhatsAppUser(server)
        form = user.form(Body="hi")
        local = server.sign("/whatsapp", form)  # what a request to the listening address would carry
        assert (await server.post("/whatsapp", form, signature=local))[0] == 403
        from twilio.request_validator import RequestValidator

        public = RequestValidator(twilio.auth_token).compute_signature(
            "https://taza.example.kz/bot/whatsapp", form
        )
        status, body = await server.post("/whatsapp", form, signature=public)
        assert status == 200 and body.endswith("<Response/>")
    finally:
        await server.close()
