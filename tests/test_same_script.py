"""Flows are written once: the same script on every channel leaves the same database state and
the same channel-neutral outgoing messages (only the account's own id differs).

Channels: console and WhatsApp. Telegram joins by adding its driver to `tests/support/drivers.py`
and "telegram" to `CHANNELS` (its fixture starts the Bot API emulator)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from storage.models import ConversationState, Identity, InboxUpdate, OutboxMessage, User
from tests.support.drivers import ConsoleDriver, Driver, WhatsAppDriver
from tests.support.twilio_standin import TwilioStandIn
from tests.support.whatsapp import start_server

CHANNELS = ["console", "whatsapp"]

SCRIPT = [
    "hi",  # first contact: the language question (WhatsApp and the console give no language)
    "3",  # English
    "✅ I agree",  # an option's text picks it too
    "My profile",
    "⬅️ Menu",
    "what is this?",  # not an option: a hint and the menu again
    "/language",
    "Русский",
    "/help",
    "1",  # the first entry of the menu
    "/mydata",
]


@pytest.fixture
async def server(database_url, tmp_path, clock):
    twilio = TwilioStandIn()
    await twilio.start()
    server = await start_server(twilio, database_url, tmp_path / "media", clock)
    yield server
    await server.close()
    await twilio.stop()


def driver_for(channel: str, server) -> Driver:
    if channel == "console":
        return ConsoleDriver(server.app, "ada")
    if channel == "whatsapp":
        return WhatsAppDriver(server, "+77019876543", "ada")
    raise ValueError(channel)


async def snapshot(app, driver: Driver) -> dict[str, Any]:
    """What the script left in the database for this person, with the account id taken out."""

    def neutral(value: Any) -> Any:
        if isinstance(value, str):
            return value.replace(driver.account_label, "<account>")
        if isinstance(value, dict):
            return {k: neutral(v) for k, v in value.items()}
        if isinstance(value, list):
            return [neutral(v) for v in value]
        return value

    async with app.sessions() as s:
        identity = await s.scalar(
            select(Identity).where(Identity.channel == driver.channel, Identity.external_id == driver.chat_id)
        )
        user = await s.get(User, identity.user_id)
        state = await s.get(ConversationState, (driver.channel, driver.chat_id))
        inbox = (
            await s.scalars(select(InboxUpdate).where(InboxUpdate.chat_id == driver.chat_id))
        ).all()
        outbox = (
            await s.scalars(
                select(OutboxMessage).where(OutboxMessage.chat_id == driver.chat_id).order_by(OutboxMessage.id)
            )
        ).all()
    payloads = []
    for row in outbox:
        payload = dict(row.payload)
        if payload.get("document"):  # the export names the account; compare its shape
            payload["document"] = {k: v for k, v in payload["document"].items() if k != "data"}
        payloads.append(payload)
    return {
        "user": {
            "display_name": user.display_name,
            "language": user.language,
            "consented": user.consent_at is not None,
            "forgotten": user.forgotten_at is not None,
            "identities": len(user.identities),
        },
        "state": state.state,
        "inbox": [(row.processed_at is not None, row.error) for row in inbox],
        "outbox_status": {row.status for row in outbox},
        "outbox": neutral(payloads),
    }


async def test_same_script_same_state(server) -> None:
    states = {}
    for channel in CHANNELS:
        driver = driver_for(channel, server)
        for turn in SCRIPT:
            await driver.say(turn)
        states[channel] = await snapshot(server.app, driver)

    reference = states[CHANNELS[0]]
    assert reference["user"] == {
        "display_name": "ada",
        "language": "ru",
        "consented": True,
        "forgotten": False,
        "identities": 1,
    }
    assert reference["state"]["step"] == "menu.main"
    assert reference["inbox"] == [(True, None)] * len(SCRIPT)
    assert reference["outbox_status"] == {"sent"}
    assert any("<account>" in p["text"] for p in reference["outbox"])  # the profile was shown
    for channel in CHANNELS[1:]:
        other = states[channel]
        for n, (theirs, ours) in enumerate(zip(other["outbox"], reference["outbox"], strict=True)):
            assert theirs == ours, f"{channel}: outgoing message {n} differs"
        assert other == reference, channel
