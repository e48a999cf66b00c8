from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.config import Settings
from bot.web import create_web_app
from tests.conftest import ADMIN


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        MEDIA_DIR=tmp_path / "media",
        ADMINS=[ADMIN],
        INPUTS_PER_MINUTE=10_000,
        PUBLIC_REQUESTS_PER_MINUTE=10_000,  # a page and its files, many times, within one fake minute
    )


@pytest.fixture
async def client(app):
    """The whole web application (middlewares included), as `python -m bot web` serves it."""
    test_client = TestClient(TestServer(create_web_app(app)))
    await test_client.start_server()
    yield test_client
    await test_client.close()
