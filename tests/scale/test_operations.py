"""Operations settings and commands: Telegram's limits as settings (and the opt-in paid
broadcast), JSON log lines naming the update and chat, an online SQLite backup, and roles that
import only what they need (a web process without Telegram never loads aiogram)."""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.channels.telegram import TelegramChannel, build_bot
from bot.cli import main
from bot.config import Settings
from bot.logs import JsonFormatter
from handlers.types import Reply
from tests.scale.processes import ROOT
from tests.support.telegram_emulator import TOKEN, TelegramEmulator


@pytest.fixture
async def emulator():
    emu = TelegramEmulator()
    await emu.start()
    yield emu
    await emu.close()


def tg_settings(emulator: TelegramEmulator, tmp_path: Path, **values) -> Settings:
    return Settings(
        _env_file=None, BOT_TOKEN=TOKEN, TELEGRAM_API_URL=emulator.url, MEDIA_DIR=tmp_path, **values
    )


async def test_telegram_limits_are_settings_and_paid_broadcast_is_opt_in(emulator, tmp_path) -> None:
    plain = TelegramChannel.from_settings(build_bot(tg_settings(emulator, tmp_path)), tg_settings(emulator, tmp_path))
    assert plain.limits.per_second == 30 and plain.limits.per_chat_per_second == 1
    faster = tg_settings(emulator, tmp_path, TELEGRAM_MAX_PER_SECOND=50)
    assert TelegramChannel.from_settings(build_bot(faster), faster).limits.per_second == 50

    paid_settings = tg_settings(emulator, tmp_path, TELEGRAM_ALLOW_PAID_BROADCAST=True)
    paid = TelegramChannel.from_settings(build_bot(paid_settings), paid_settings)
    assert paid.limits.per_second == 1000
    try:
        await plain.send("501", Reply(text="free"))
        await paid.send("502", Reply(text="paid"))
    finally:
        await plain.bot.session.close()
        await paid.bot.session.close()
    free_call, paid_call = emulator.calls_of("sendmessage")
    assert "allow_paid_broadcast" not in free_call
    assert str(paid_call["allow_paid_broadcast"]).lower() == "true"


async def test_json_log_lines_name_the_update_and_chat(chat) -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    step_log = logging.getLogger("tests.step")
    step_log.addHandler(handler)
    chat.app.engine.observers.append(lambda incoming, result, seconds: step_log.warning("step %s", result.value))
    try:
        await chat.send("/help")
    finally:
        step_log.removeHandler(handler)
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["message"] == "step ok" and line["level"] == "WARNING"
    assert line["channel"] == "console" and line["chat"] == "alice" and line["update"].startswith("t")
    assert "Alice" not in stream.getvalue()  # the display name is personal: never in a line


def test_backup_copies_the_sqlite_database_while_it_is_open(tmp_path, monkeypatch, capsys) -> None:
    source = tmp_path / "taza.db"
    live = sqlite3.connect(source)
    live.execute("CREATE TABLE t (x)")
    live.executemany("INSERT INTO t VALUES (?)", [(n,) for n in range(500)])
    live.commit()
    live.execute("BEGIN")
    live.execute("INSERT INTO t VALUES (-1)")  # not committed: not in the copy
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{source}")
    assert main(["backup", str(tmp_path / "copies" / "taza-copy.db")]) == 0
    live.rollback()
    live.close()
    copy = sqlite3.connect(tmp_path / "copies" / "taza-copy.db")
    assert copy.execute("SELECT count(*), min(x) FROM t").fetchone() == (500, 0)
    copy.close()
    assert (tmp_path / "copies" / "taza-copy.db").stat().st_mode & 0o077 == 0
    assert "backed up" in capsys.readouterr().out
    assert main(["backup", str(tmp_path / "copies" / "taza-copy.db")]) == 2  # never overwrites


def test_postgresql_backup_points_to_pg_dump(monkeypatch, tmp_path, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@127.0.0.1/taza")
    assert main(["backup", str(tmp_path / "x.db")]) == 2
    assert "pg_dump" in capsys.readouterr().err


ROLE_SCRIPT = """
import asyncio, json, sys
from bot.app import create_app
from bot.config import Settings
from bot.web import create_web_app
from bot.commands.worker import add_sending_channels

async def main():
    settings = Settings(_env_file=None, DATABASE_URL=sys.argv[1], MEDIA_DIR=sys.argv[2], **json.loads(sys.argv[3]))
    app = await create_app(settings)
    create_web_app(app)
    add_sending_channels(app)
    await app.close()
    print(json.dumps(sorted(m for m in ("aiogram", "twilio") if m in sys.modules)))

asyncio.run(main())
"""


@pytest.mark.parametrize(
    ("values", "loaded"),
    [
        ({}, []),
        ({"TWILIO_ACCOUNT_SID": "AC" + "0" * 32, "TWILIO_AUTH_TOKEN": "x" * 32, "TWILIO_WHATSAPP_FROM": "+77000000000"}, ["twilio"]),
    ],
    ids=["web-only", "whatsapp-only"],
)
def test_a_role_without_telegram_never_imports_aiogram(tmp_path, values, loaded) -> None:
    result = subprocess.run(
        [sys.executable, "-c", ROLE_SCRIPT, f"sqlite+aiosqlite:///{tmp_path}/taza.db", str(tmp_path / "media"), json.dumps(values)],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert json.loads(result.stdout.strip().splitlines()[-1]) == loaded
