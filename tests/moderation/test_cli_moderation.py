"""`python -m bot admin ...` and `python -m bot jobs ...` as an operator runs them."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import bot


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


def test_regions_by_name_in_three_languages_and_the_warnings(tmp_path: Path) -> None:
    empty = bot(tmp_path, "admin", "list", env={"ADMINS": ""})
    assert empty.returncode == 0 and "no moderators\n" in empty.stdout.splitlines(keepends=True)
    assert "warning: 20 region(s) have no moderators" in empty.stdout
    assert "warning: the admin list (ADMINS) is empty" in empty.stdout

    for typed, code in [
        (["Shymkent"], "KZ-79"),
        (["Шымкент"], "KZ-79"),
        (["ШЫМКЕНТ"], "KZ-79"),
        (["Алматы", "облысы"], "KZ-19"),  # unquoted, two words
        (["алматинская область"], "KZ-19"),
        (["almaty"], "KZ-75"),
        (["Ақмола облысы"], "KZ-11"),
        (["kz-71"], "KZ-71"),
    ]:
        added = bot(tmp_path, "admin", "add-moderator", "telegram:42", *typed)
        assert added.returncode == 0 and f"telegram:42 {code}" in added.stdout, (typed, added.stderr)
    wrong = bot(tmp_path, "admin", "add-moderator", "telegram:42", "Atlantis")
    assert wrong.returncode == 2 and "'Atlantis' is not a region" in wrong.stderr and "README" in wrong.stderr
    bound = bot(tmp_path, "admin", "bind-chat", "Ұлытау", "облысы", "telegram:-100123")
    assert "telegram:-100123 -> KZ-62" in bound.stdout

    listing = bot(tmp_path, "admin", "list", env={"ADMINS": "telegram:1"}).stdout
    assert "no moderators\n" not in listing.splitlines(keepends=True) and "moderator KZ-79 telegram:42" in listing
    assert "warning: 15 region(s) have no moderators" in listing and "KZ-79" not in listing.split("warning")[1]
    assert "ADMINS" not in listing
    assert "removed 1 role" in bot(tmp_path, "admin", "remove-moderator", "telegram:42", "город", "Астана").stdout
