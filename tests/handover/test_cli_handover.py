"""`python -m bot admin api-key|connect|connections|disconnect|handover-status` as an operator runs them."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.cli import bot


def test_api_keys_and_region_connections(tmp_path: Path) -> None:
    created = bot(tmp_path, "admin", "api-key", "create", "Almaty akimat site")
    assert created.returncode == 0 and "shown only now" in created.stdout
    key = re.search(r"(taza_\S+)", created.stdout).group(1)
    listing = bot(tmp_path, "admin", "api-key", "list").stdout
    assert f"{key[:12]}… Almaty akimat site (active, 0 writes)" in listing and key not in listing
    assert "revoked 1 key" in bot(tmp_path, "admin", "api-key", "revoke", key[:12]).stdout
    assert "(revoked " in bot(tmp_path, "admin", "api-key", "list").stdout
    assert bot(tmp_path, "admin", "api-key", "revoke", "99").returncode == 1

    endpoint = bot(tmp_path, "admin", "connect", "kz-75", "open311", "https://appeals.almaty.test/open311/v2",
                   "--key", "their-key", "--service-code", "dump", "--updates")  # fmt: skip
    assert endpoint.returncode == 0 and "KZ-75 open311 https://appeals.almaty.test/open311/v2 service=dump +updates" in endpoint.stdout
    mail = bot(tmp_path, "admin", "connect", "KZ-75", "email", "akimat@almaty.test", "--daily", "--language", "kk",
               "--district", "KZ751110")  # fmt: skip
    assert mail.returncode == 0 and "KZ-75/KZ751110 email akimat@almaty.test daily (kk)" in mail.stdout
    assert "SMTP_HOST is not set" in mail.stdout
    chat = bot(tmp_path, "admin", "connect", "KZ-75", "chat", "telegram:-100123")
    assert "bound: telegram:-100123 -> KZ-75" in chat.stdout
    assert bot(tmp_path, "admin", "connect", "KZ-75", "email", "not an address").returncode == 2
    assert bot(tmp_path, "admin", "connect", "KZ-75", "open311", "ftp://x").returncode == 2
    assert bot(tmp_path, "admin", "connect", "KZ-75", "email", "a@b.kz", "--district", "KZ711110").returncode == 2
    assert bot(tmp_path, "admin", "connect", "KZ-99", "email", "a@b.kz").returncode == 2  # no such region

    status = bot(tmp_path, "admin", "handover-status").stdout
    assert "open311 https://appeals.almaty.test/open311/v2 service=dump +updates: 0 pending, 0 failing, 0 delivered, 0 failed" in status
    connections = bot(tmp_path, "admin", "connections").stdout.splitlines()
    assert len(connections) == 2
    target_id = connections[0].split()[0]
    assert "disconnected" in bot(tmp_path, "admin", "disconnect", target_id).stdout
    assert len(bot(tmp_path, "admin", "connections").stdout.splitlines()) == 1
