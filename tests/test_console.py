"""The console as a newcomer uses it: a scripted conversation piped through `python -m bot console`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_bot(args: list[str], stdin: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if k not in {"BOT_TOKEN", "DATABASE_URL"}}
    environment.update(PYTHONPATH=str(ROOT), **env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=environment,
        timeout=120,
    )


def test_piped_conversation_on_embedded_sqlite(tmp_path: Path) -> None:
    script = "/start\n2\n1\nмой профиль\n/location abc\n/photo /no/such/file.jpg\n1\n"
    result = run_bot(["console", "--user", "dana"], script, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "  1. Қазақша" in out and "  3. English" in out
    assert "Даю согласие" in out  # Russian was picked with "2"
    assert "Главное меню" in out
    assert "Мой профиль" in out and "Имя: dana" in out
    assert "(usage: /location LAT LON" in out and "(no such file" in out
    assert "Traceback" not in out + result.stderr
    assert (tmp_path / "data" / "taza.db").exists()  # the default database, created on first run
    assert list((tmp_path / "data" / "console-files").glob("dana-*.json"))  # "Download my data"

    # A second run remembers the user and the language.
    again = run_bot(["console", "--user", "dana"], "/start\n", tmp_path)
    assert "С возвращением" in again.stdout


def test_deep_link_typed_on_the_console(tmp_path: Path) -> None:
    """`/start r-1`: language, consent, then the report link's answer (no report 1 is theirs)."""
    result = run_bot(["console", "--user", "dana"], "/start r-1\n3\n1\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "personal data" in result.stdout
    assert "This link is not valid, or the report is not yours." in result.stdout


def test_no_token_runs_console(tmp_path: Path) -> None:
    result = run_bot([], "/start\n3\n", tmp_path)
    assert result.returncode == 0, result.stderr
    assert "personal data" in result.stdout


def test_help_lists_subcommands(tmp_path: Path) -> None:
    result = run_bot(["--help"], "", tmp_path)
    assert result.returncode == 0
    for command in ("run", "console", "migrate"):
        assert command in result.stdout


def test_wrong_setting_is_named(tmp_path: Path) -> None:
    result = run_bot(["migrate"], "", tmp_path, DATABASE_URL="mysql://nope", WEB_PORT="99999")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "WEB_PORT" in result.stderr
    assert "Traceback" not in result.stderr


def test_taken_port_is_named(tmp_path: Path) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_bot(["web"], "", tmp_path, WEB_PORT=str(port))
    assert result.returncode == 2
    assert f"WEB_HOST/WEB_PORT: cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr
