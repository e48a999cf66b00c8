"""`python -m bot COMMAND` as real separate processes that a test may SIGKILL, with their logs."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from tests.support.processes import ChildProcess
from tests.support.telegram_emulator import WAIT

ROOT = Path(__file__).resolve().parents[2]


class BotCommand(ChildProcess):
    def __init__(self, workdir: Path, name: str, args: list[str], env: dict[str, str]) -> None:
        self.workdir = workdir
        self.log_path = workdir / f"{name}.log"
        self.args = args
        self.env = {**os.environ, "PYTHONPATH": str(ROOT), "ADMINS": "", **env}
        self.proc: asyncio.subprocess.Process | None = None

    async def start(self) -> BotCommand:
        log = self.log_path.open("wb")
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "-v", *self.args, cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )
        return self

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    async def wait_log(self, text: str, timeout: float = WAIT) -> None:
        deadline = asyncio.get_running_loop().time() + timeout
        while text not in self.log():
            assert self.proc is not None
            if self.proc.returncode is not None or asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"{text!r} never logged:\n{self.log()[-3000:]}")
            await asyncio.sleep(0.05)
