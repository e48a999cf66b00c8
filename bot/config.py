"""Configuration from the environment and a `.env` file (pydantic-settings)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot import logsafe
from handlers.i18n import DEFAULT_LANGUAGE, LANGUAGES
from storage.users import parse_account


class ConfigError(Exception):
    """A setting is wrong; the message names the variable."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    BOT_TOKEN: str | None = None
    TELEGRAM_API_URL: str | None = Field(None, description="A self-hosted Bot API server")
    # For t.me deep links made where the bot does not poll (polling learns it from getMe).
    TELEGRAM_BOT_USERNAME: str | None = None
    # Webhook mode: Telegram posts updates to `python -m bot web` with this secret in the
    # X-Telegram-Bot-Api-Secret-Token header (1-256 of A-Z a-z 0-9 _ -); unset: long polling.
    # The sender's overall Telegram limit (Telegram documents about 30 messages a second); paid
    # broadcasts (Telegram charges Stars per message) allow up to 1,000 a second: opt-in.
    TELEGRAM_MAX_PER_SECOND: float = Field(30, gt=0, le=1000)
    TELEGRAM_ALLOW_PAID_BROADCAST: bool = False
    TELEGRAM_PAID_MAX_PER_SECOND: float = Field(1000, gt=0, le=1000)
    TELEGRAM_WEBHOOK_SECRET: str | None = Field(None, pattern=r"^[A-Za-z0-9_-]{1,256}$")
    DATABASE_URL: str = "sqlite+aiosqlite:///data/taza.db"
    MEDIA_DIR: Path = Path("data/media")
    TWILIO_ACCOUNT_SID: str | None = None
    TWILIO_AUTH_TOKEN: str | None = None
    TWILIO_WHATSAPP_FROM: str | None = None
    TWILIO_API_URL: str | None = Field(None, description="Another Twilio REST base URL (tests, staging)")
    # WhatsApp templates for messages the bot starts outside the 24-hour window, by Reply.kind:
    # {"status_update": "HX...", "reminder": "HX..."} (JSON in the environment).
    TWILIO_CONTENT_SIDS: dict[str, str] = Field(default_factory=dict)
    PUBLIC_BASE_URL: str | None = None
    WEB_HOST: str = "127.0.0.1"
    WEB_PORT: int = Field(8080, ge=1, le=65535)
    ADMINS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The language of people and chats whose own is not known (an admin who never wrote, a
    # message to someone who never chose one), for replies, notifications and jobs alike.
    FALLBACK_LANGUAGE: str = DEFAULT_LANGUAGE
    # Typed addresses looked up with OpenStreetMap's Nominatim (off: the user picks the region).
    GEOCODING_ENABLED: bool = False
    GEOCODING_USER_AGENT: str = "taza-bot/0.1 (Taza Qazaqstan citizen reports)"
    # Moderation jobs (jobs/): how often new reports are handed over, when an untriaged report is
    # escalated, how many report cards one run posts per chat (the rest wait in /queue).
    HANDOVER_EVERY_MINUTES: int = Field(5, ge=1, le=1440)
    ESCALATION_HOURS: float = Field(48, gt=0)
    ANNOUNCE_PER_RUN: int = Field(20, ge=1, le=500)
    # Limits per person (counted by a salted hash of the account, so /forget does not reset them)
    # and per client address on the public HTTP endpoints.
    INPUTS_PER_MINUTE: int = Field(30, ge=1, le=10_000)
    REPORTS_PER_DAY: int = Field(10, ge=1, le=10_000)
    DUPLICATE_CHECKS_PER_DAY: int = Field(20, ge=0, le=10_000)
    PUBLIC_REQUESTS_PER_MINUTE: int = Field(60, ge=1, le=100_000)
    # Client addresses of reverse proxies whose X-Forwarded-For names the real client.
    TRUSTED_PROXIES: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # The salt of those hashes; unset: made once and kept in the database.
    IDENTITY_SALT: str | None = None
    # Days processed incoming and sent outgoing messages are kept before the retention job deletes them.
    RETENTION_DAYS: int = Field(30, ge=1, le=3650)
    # Hosts WhatsApp media may be fetched from (with Twilio's credentials); `*.` allows subdomains.
    TWILIO_MEDIA_HOSTS: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["api.twilio.com", "*.twilio.com"]
    )
    # Open311: writes a partner's API key may make a minute; hosts a POSTed media_url may be on.
    OPEN311_WRITES_PER_MINUTE: int = Field(10, ge=1, le=10_000)
    OPEN311_MEDIA_HOSTS: Annotated[list[str], NoDecode] = Field(default_factory=list)
    # Handover to regions' own systems: give up on an endpoint after this many hours (the region's
    # moderators are told), pull status changes back this often.
    HANDOVER_GIVE_UP_HOURS: float = Field(24, gt=0)
    HANDOVER_PULL_EVERY_MINUTES: int = Field(15, ge=1, le=1440)
    # E-mail to regions (an asynchronous SMTP client): unset SMTP_HOST means no e-mail targets are served.
    SMTP_HOST: str | None = None
    SMTP_PORT: int = Field(587, ge=1, le=65535)
    SMTP_USERNAME: str | None = None
    SMTP_PASSWORD: str | None = None
    SMTP_FROM: str = "taza-bot@localhost"
    SMTP_STARTTLS: bool = True
    # Tree log: the survival check-ins, in months after a planting (JSON in the environment).
    TREE_CHECKIN_MONTHS: list[int] = Field(default_factory=lambda: [6, 12])
    # `python -m bot worker` on SQLite: seconds a killed worker's jobs lease lasts before a waiting
    # worker takes over (on PostgreSQL the advisory lock goes with the dead connection at once).
    # "json": one JSON object a log line with channel, chat and update id (read by bot/logs.py
    # from the environment before anything else starts; listed here to be checked and documented).
    LOG_FORMAT: Literal["text", "json"] = "text"
    WORKER_LEASE_SECONDS: float = Field(15, ge=0.5, le=600)

    @field_validator("ADMINS", "TRUSTED_PROXIES", "TWILIO_MEDIA_HOSTS", "OPEN311_MEDIA_HOSTS", mode="before")
    @classmethod
    def _split_list(cls, value: object) -> object:
        if isinstance(value, str):
            value = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
        return value

    @field_validator("ADMINS")
    @classmethod
    def _check_admins(cls, value: list[str]) -> list[str]:
        for item in value:
            if parse_account(item) is None:
                raise ValueError(
                    f"{item!r} is not of the form telegram:ID, whatsapp:+NUMBER or console:NAME"
                )
        return value

    @field_validator("TREE_CHECKIN_MONTHS")
    @classmethod
    def _check_checkin_months(cls, value: list[int]) -> list[int]:
        if not value or any(not 1 <= m <= 60 for m in value):
            raise ValueError("a JSON list of months from 1 to 60, e.g. [6, 12]")
        return value

    @field_validator("FALLBACK_LANGUAGE")
    @classmethod
    def _check_fallback_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"use one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("DATABASE_URL")
    @classmethod
    def _check_database_url(cls, value: str) -> str:
        if value.startswith("sqlite:///"):
            value = "sqlite+aiosqlite:///" + value.removeprefix("sqlite:///")
        if value.startswith(("postgres://", "postgresql://")):
            value = "postgresql+asyncpg://" + value.split("://", 1)[1]
        if not value.startswith(("sqlite+aiosqlite://", "postgresql+asyncpg://")):
            raise ValueError("use sqlite+aiosqlite:///PATH or postgresql+asyncpg://USER@HOST/DB")
        return value

    def model_post_init(self, _context: object) -> None:
        """Whatever holds a secret came through here: from now on no log line shows it."""
        sid, token = self.TWILIO_ACCOUNT_SID, self.TWILIO_AUTH_TOKEN
        logsafe.protect(
            self.BOT_TOKEN,
            token,
            logsafe.basic_credentials(sid, token) if sid and token else None,
            self.IDENTITY_SALT,
            self.SMTP_PASSWORD,
            self.TELEGRAM_WEBHOOK_SECRET,
        )

    @property
    def telegram_webhook(self) -> bool:
        return bool(self.BOT_TOKEN and self.TELEGRAM_WEBHOOK_SECRET)

    @property
    def twilio_enabled(self) -> bool:
        return bool(self.TWILIO_ACCOUNT_SID and self.TWILIO_AUTH_TOKEN and self.TWILIO_WHATSAPP_FROM)

    def is_admin(self, channel: str, external_id: str) -> bool:
        return f"{channel}:{external_id}" in self.ADMINS


def load_settings(**overrides: object) -> Settings:
    """Settings, or a ConfigError whose message names each wrong variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()
        )
        raise ConfigError(f"Configuration error: {problems}") from None
