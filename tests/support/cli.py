"""`python -m bot ...` run the way an operator runs it, but inside the test process: the same
`bot.cli.main` with its arguments, environment, exit code, stdout and stderr, without paying a
Python start-up and every import for each command (`tests/test_console.py` runs the real process)."""

from __future__ import annotations

import io
import os
import subprocess
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from bot.cli import main


def bot(tmp_path: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run one command against the SQLite database and media folder under `tmp_path`."""
    settings = {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/cli.db", "MEDIA_DIR": str(tmp_path / "media"), **(env or {})}
    saved = {name: os.environ.get(name) for name in settings}
    umask = os.umask(0o077)  # main() sets its own; the test process gets its own back
    out, err = io.StringIO(), io.StringIO()
    try:
        os.environ.update(settings)
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse's usage errors
                code = exc.code if isinstance(exc.code, int) else int(exc.code is not None)
    finally:
        os.umask(umask)
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return subprocess.CompletedProcess(["python", "-m", "bot", *args], code, out.getvalue(), err.getvalue())
