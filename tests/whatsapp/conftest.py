from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.twilio_standin import TwilioStandIn
from tests.support.whatsapp import WhatsAppServer, WhatsAppUser, start_server


@pytest.fixture
async def twilio() -> TwilioStandIn:
    standin = TwilioStandIn()
    await standin.start()
    yield standin
    await standin.stop()


@pytest.fixture
def server_settings() -> dict[str, object]:
    """Extra settings for the bot under test; a test overrides this fixture to change them."""
    return {}


@pytest.fixture
async def whatsapp(twilio, database_url: str, tmp_path: Path, clock, server_settings) -> WhatsAppServer:
    server = await start_server(twilio, database_url, tmp_path / "media", clock, **server_settings)
    yield server
    await server.close()


@pytest.fixture
def user(whatsapp: WhatsAppServer) -> WhatsAppUser:
    return WhatsAppUser(whatsapp)
