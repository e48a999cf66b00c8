"""Fixtures of the handover tests: a real SMTP server and a region's own Open311 endpoint on
127.0.0.1, and the bot's settings pointing at the SMTP server."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.config import Settings
from tests.support.open311_endpoint import Open311Endpoint
from tests.support.smtp_server import SmtpServer


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
async def endpoint() -> AsyncIterator[Open311Endpoint]:
    region_system = Open311Endpoint()
    await region_system.start()
    yield region_system
    await region_system.close()


@pytest.fixture
def settings(settings: Settings, smtp: SmtpServer) -> Settings:
    """The suite's settings, sending e-mail to the test's SMTP server."""
    return settings.model_copy(
        update={"SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port, "SMTP_STARTTLS": False, "SMTP_FROM": "bot@taza.test"}
    )
