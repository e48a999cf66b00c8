"""`python -m bot admin ...` and `python -m bot jobs ...` as an operator runs them."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def bot(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/cli.db", MEDIA_DIR=str(tmp_path / "media"))
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=Path(__file__).resolve().parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_admin_and_jobs_commands(tmp_path: Path) -> None:
    added = bot(tmp_path, "admin", "add-moderator", "telegram:42", "kz-75")
    assert added.returncode == 0 and "appointed: telegram:42 KZ-75" in added.stdout
    assert "already" in bot(tmp_path, "admin", "add-moderator", "telegram:42", "KZ-75").stdout
    bound = bot(tmp_path, "admin", "bind-chat", "KZ-75", "telegram:-100123", "--language", "kk")
    assert "bound: telegram:-100123 -> KZ-75" in bound.stdout
    listing = bot(tmp_path, "admin", "list").stdout
    assert "moderator KZ-75 telegram:42 (by cli)" in listing and "telegram:-100123 (kk)" in listing
    wrong = bot(tmp_path, "admin", "add-moderator", "icq:1", "KZ-99")
    assert wrong.returncode == 2 and "telegram:ID" in wrong.stderr
    assert "removed 1 role" in bot(tmp_path, "admin", "remove-moderator", "telegram:42").stdout

    assert "handover:" in bot(tmp_path, "jobs", "list").stdout
    ran = bot(tmp_path, "jobs", "run", "handover")
    assert ran.returncode == 0 and ran.stdout.strip() == "nothing to hand over"
