"""A real bot process for tests/blur/test_killed.py: a citizen sends a report with a photo. Once the
photo step commits, the making of its public copy says "READY" on stdout and stalls; the report is
sent ("SENT": the photo's row committed), and the process waits for the test's SIGKILL.

    DATABASE_URL=... MEDIA_DIR=... python -m tests.blur.killed_child
"""

from __future__ import annotations

import asyncio
import sys

from bot.app import create_app
from bot.config import Settings
from tests.blur.test_blur_flow import portrait_jpeg
from tests.reports.test_report import ASTANA, finish
from tests.support.chat import Chat, CollectingChannel


class Stalled:
    """Stands in for the blur service at the moment the public copy would be made."""

    async def make(self, original_path: str, extra: list = (), *, whole: bool = False):
        print("READY", original_path, flush=True)
        await asyncio.Event().wait()  # until killed


async def main() -> None:
    app = await create_app(Settings(_env_file=None, INPUTS_PER_MINUTE=10_000), run_migrations=False)
    app.add_channel(CollectingChannel("console"))
    app.public_copies.blur = Stalled()
    chat = Chat(app, "alice")
    await chat.onboard("English")
    await chat.click("📸")
    await chat.photo(portrait_jpeg())
    await chat.location(*ASTANA)
    await finish(chat)
    print("SENT", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
