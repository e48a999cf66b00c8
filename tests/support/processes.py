"""A child process that a test may stop or SIGKILL (`python -m bot ...` in the e2e and scale tests)."""

from __future__ import annotations

import asyncio
import signal


class ChildProcess:
    proc: asyncio.subprocess.Process | None = None

    async def kill(self) -> None:
        """SIGKILL: no clean-up code of the child runs."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        await self.proc.wait()

    async def stop(self) -> None:
        """SIGTERM, and SIGKILL after 10 s."""
        if self.proc is not None and self.proc.returncode is None:
            self.proc.terminate()
            try:
                await asyncio.wait_for(self.proc.wait(), 10)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
