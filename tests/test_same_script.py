"""Flows are written once: the same script on every channel, each on a fresh database, leaves the
same database state and the same channel-neutral outgoing messages (only the account differs).

Channels: the console, WhatsApp (signed Twilio webhooks to the real web server) and Telegram (the
real aiogram polling loop against the Bot API emulator); their drivers are in
`tests/support/drivers.py`."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path
from typing import Any

from sqlalchemy import delete, select

from storage.base import Base
from storage.models import ConversationState, Identity, InboxUpdate, OutboxMessage, User
from storage.reports import Report
from tests.support import databases
from tests.support.drivers import driver_for
from tests.support.images import jpeg

CHANNELS = ["console", "whatsapp", "telegram"]
PAGE_LINK = re.compile(r"\n🌐 [^\n]*/r/TZ-\d+")


def script(photo: Path) -> list[str]:
    """Console syntax; a driver turns /photo and /location into its channel's own messages."""
    return [
        "hi",  # first contact: the language question (WhatsApp and the console give no language)
        "3",  # English
        "✅ I agree",  # an option's text picks it too
        "My profile",
        "⬅️ Menu",
        "what is this?",  # not an option: a hint and the menu again
        "Report a dump",
        f"/photo {photo}",
        "1",  # done with photos
        "/location 51.1282 71.4304",
        "1, 3",
        "Next",
        "2",
        "Skip",
        "Send the report",
        "/language",
        "Русский",
        "/help",
        "/mydata",
    ]


async def empty(url: str) -> None:
    """A fresh database for the next channel (ids restart, so report codes compare)."""
    if url.startswith("postgresql"):
        await databases.truncate_all(url)
        return
    from storage.db import create_engine

    engine = create_engine(url)
    async with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            await conn.execute(delete(table))
    await engine.dispose()


def export(data: str, driver) -> dict[str, Any]:
    """The exported JSON, its one account checked to be this driver's and then made neutral."""
    content = json.loads(base64.b64decode(data))
    [account] = content["accounts"]
    assert (account["channel"], account["id"]) == (driver.channel, driver.chat_id), account
    account.update(channel="<channel>", id="<account>")
    return content


async def snapshot(app, driver) -> dict[str, Any]:
    """What the script left in the database, with the account's own id taken out."""

    def neutral(value: Any) -> Any:
        if isinstance(value, str):
            # The link to a report's public page comes with PUBLIC_BASE_URL, which only the
            # WhatsApp driver sets (Twilio signs that URL): configuration, not the channel.
            value = PAGE_LINK.sub("", value)
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
        inbox = (await s.scalars(select(InboxUpdate).order_by(InboxUpdate.id))).all()
        outbox = (await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all()
        reports = (await s.scalars(select(Report).order_by(Report.id))).all()
        report_rows = [
            {
                "code": r.code,
                "reporter": r.reporter_id == user.id,
                "status": r.status,
                "place": (r.region_code, r.district_pcode, r.latitude, r.longitude, r.location_source),
                "waste": list(r.waste_types),
                "size": r.size,
                "comment": r.comment,
                "photos": [(p.sha256, p.path, p.width, p.height) for p in r.photos],
            }
            for r in reports
        ]
    payloads = []
    for row in outbox:
        payload = dict(row.payload)
        if payload.get("document"):  # the /mydata export: its content, with the account neutral
            payload["document"] = {**payload["document"], "data": export(payload["document"]["data"], driver)}
        payloads.append(payload)
    return {
        "user": {
            "display_name": user.display_name,
            "language": user.language,
            "consented": user.consent_at is not None,
            "identities": len(user.identities),
        },
        "state": state.state,
        "inbox": [(row.chat_id == driver.chat_id, row.processed_at is not None, row.error) for row in inbox],
        "outbox": neutral(payloads),
        "outbox_status": {row.status for row in outbox},
        "reports": report_rows,
    }


async def test_same_script_same_state(database_url: str, tmp_path: Path, clock) -> None:
    photo = tmp_path / "dump.jpg"
    photo.write_bytes(jpeg(seed=11))
    states = {}
    for channel in CHANNELS:
        await empty(database_url)
        async with driver_for(channel, database_url, tmp_path / channel, clock) as driver:
            for turn in script(photo):
                await driver.say(turn)
            states[channel] = await snapshot(driver.app, driver)

    reference = states[CHANNELS[0]]
    assert reference["user"] == {"display_name": "ada", "language": "ru", "consented": True, "identities": 1}
    assert reference["state"]["step"] == "menu.main"
    assert reference["inbox"] == [(True, True, None)] * len(script(photo))
    assert reference["outbox_status"] == {"sent"}
    assert any("<account>" in p["text"] for p in reference["outbox"])  # the profile was shown
    [report] = reference["reports"]
    assert report["reporter"] and report["place"][0] and len(report["photos"]) == 1
    for channel in CHANNELS[1:]:
        other = states[channel]
        for n, (theirs, ours) in enumerate(zip(other["outbox"], reference["outbox"], strict=True)):
            assert theirs == ours, f"{channel}: outgoing message {n} differs"
        assert other == reference, channel
