"""`python -m bot admin add-organiser ACCOUNT [REGION]` as an operator runs it, and the reminder job
from the command line."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import bot


def test_add_and_remove_organisers(tmp_path: Path) -> None:
    added = bot(tmp_path, "admin", "add-organiser", "telegram:42", "kz-75")
    assert added.returncode == 0 and "appointed: telegram:42 KZ-75" in added.stdout
    anywhere = bot(tmp_path, "admin", "add-organiser", "whatsapp:+77011234567")
    assert "appointed: whatsapp:+77011234567 national" in anywhere.stdout
    assert "already an organiser" in bot(tmp_path, "admin", "add-organiser", "telegram:42", "KZ-75").stdout
    listing = bot(tmp_path, "admin", "list").stdout
    assert "organiser KZ-75 telegram:42 (by cli)" in listing and "organiser national whatsapp:+77011234567" in listing
    wrong = bot(tmp_path, "admin", "add-organiser", "telegram:42", "KZ-99")
    assert wrong.returncode == 2 and "region code" in wrong.stderr
    assert "removed 1 organiser role(s)" in bot(tmp_path, "admin", "remove-organiser", "telegram:42").stdout
    ran = bot(tmp_path, "jobs", "run", "event_reminders")
    assert ran.returncode == 0 and "sent 0 reminders" in ran.stdout
