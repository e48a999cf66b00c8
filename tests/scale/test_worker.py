"""`python -m bot worker`: one worker runs the jobs; a second one waits and says so, and takes
over when the first is killed with SIGKILL (no clean-up of its own)."""

from __future__ import annotations

from pathlib import Path

from storage.db import create_engine, session_factory
from storage.operations import lease_state
from bot.lease import WORKER
from tests.scale.processes import BotCommand

HOLDS = "holds the jobs lease"
WAITS = "holds the jobs lease; waiting to take over"


async def test_a_second_worker_waits_and_takes_over_when_the_first_is_killed(database_url, tmp_path: Path) -> None:
    env = {"DATABASE_URL": database_url, "MEDIA_DIR": str(tmp_path / "media"), "WORKER_LEASE_SECONDS": "1"}
    first = BotCommand(tmp_path, "first", ["worker"], env)
    second = BotCommand(tmp_path, "second", ["worker"], env)
    try:
        await first.start()
        await first.wait_log(HOLDS)
        await second.start()
        await second.wait_log(WAITS)
        assert HOLDS not in second.log().replace(WAITS, "")
        holder = await _holder(database_url)
        assert holder.endswith(f":{first.proc.pid}")

        await first.kill()
        await second.wait_log(f":{second.proc.pid} {HOLDS}")
        assert (await _holder(database_url)).endswith(f":{second.proc.pid}")
    finally:
        await first.stop()
        await second.stop()


async def _holder(url: str) -> str:
    engine = create_engine(url)
    try:
        async with session_factory(engine)() as session:
            return (await lease_state(session, WORKER)).holder or ""
    finally:
        await engine.dispose()
