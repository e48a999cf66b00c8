from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.config import Settings
from tests.support import databases
from tests.support.chat import Chat, CollectingChannel
from tests.support.clock import FakeClock

ADMIN = "console:admin"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return databases.sqlite_template(tmp_path_factory.mktemp("db"))


@pytest.fixture(scope="session")
def postgres_url() -> str:
    return databases.postgres_migrated()


@pytest.fixture(params=databases.backends())
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test runs on SQLite, and on PostgreSQL too when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        return databases.sqlite_copy(request.getfixturevalue("sqlite_template"), tmp_path / "taza.db")
    url = request.getfixturevalue("postgres_url")
    await databases.truncate_all(url)
    return url


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        _env_file=None,
        DATABASE_URL=database_url,
        MEDIA_DIR=tmp_path / "media",
        ADMINS=[ADMIN],
    )


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> App:
    app = await create_app(settings, run_migrations=False, clock=clock)
    app.add_channel(CollectingChannel("console"))
    app.add_channel(CollectingChannel("telegram"))
    app.add_channel(CollectingChannel("whatsapp"))
    yield app
    await app.close()


@pytest.fixture
def chat(app: App) -> Chat:
    return Chat(app, "alice")
