from __future__ import annotations

import base64
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app import App, create_app
from bot.config import Settings
from tests.support import databases
from tests.support.chat import Chat, CollectingChannel
from tests.support.clock import FakeClock
from tests.support.telegram_emulator import TOKEN
from tests.support.twilio_standin import ACCOUNT_SID, AUTH_TOKEN

ADMIN = "console:admin"
# Every secret the suite configures: none may appear in any log line of the whole run.
SECRETS = (
    TOKEN,
    TOKEN.split(":", 1)[1],
    AUTH_TOKEN,
    base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode("ascii"),
)


class SecretWatch(logging.Handler):
    """Reads every log line of the session, tracebacks included, for the configured secrets."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))
        self.leaks: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        line = self.format(record)
        if any(secret in line for secret in SECRETS):
            self.leaks.append(line[:500])


@pytest.fixture(scope="session", autouse=True)
def no_secret_in_logs() -> Iterator[SecretWatch]:
    """Fails the run (an error at the last test's teardown) if any log line held a secret."""
    watch = SecretWatch()
    root = logging.getLogger()
    level = root.level
    root.addHandler(watch)
    root.setLevel(min(level, logging.INFO))
    yield watch
    root.removeHandler(watch)
    root.setLevel(level)
    assert not watch.leaks, "secrets in the logs:\n" + "\n".join(watch.leaks)


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
        INPUTS_PER_MINUTE=10_000,  # conversations here run within one minute of the fake clock
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
