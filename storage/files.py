"""Files the bot keeps beside its database (photos, documents on their way out): readable by the
bot's user only, and deleted when their time is up."""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
# Documents written under MEDIA_DIR for a messenger to fetch (WhatsApp's /mydata copies).
OUTGOING_DIR = "whatsapp-outgoing"


def private_dir(path: Path) -> Path:
    """Create `path` (and missing parents) readable by the owner only; an existing folder is
    tightened too."""
    missing = [p for p in (path, *path.parents) if not p.exists()]
    path.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    for folder in (*missing, path):
        if folder.is_dir():
            os.chmod(folder, PRIVATE_DIR)
    return path


def write_private(path: Path, content: bytes) -> None:
    """Write a file only the owner can read (created so: never world-readable, not even briefly)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE)
    with os.fdopen(fd, "wb") as fh:
        fh.write(content)
    os.chmod(path, PRIVATE_FILE)


def delete_older_than(folder: Path, before: float) -> int:
    """Delete the files under `folder` last written before `before` (a Unix time), then the
    folders left empty; how many files went. Files removed meanwhile by someone else are fine."""
    if not folder.is_dir():
        return 0
    deleted = 0
    for file in folder.rglob("*"):
        try:
            if file.is_file() and file.stat().st_mtime < before:
                file.unlink()
                deleted += 1
        except OSError:
            pass
    for sub in sorted((p for p in folder.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        try:
            sub.rmdir()
        except OSError:  # not empty
            pass
    return deleted
