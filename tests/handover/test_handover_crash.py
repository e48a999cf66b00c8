"""kill -9 while reports are handed over, then start again: each report reaches the Open311
endpoint exactly once and the mailbox at least once; none is lost. The jobs run as real
`python -m bot jobs run ...` processes and the e-mail goes out through `python -m bot web`'s
outbox sender, each killed with SIGKILL in the middle of its work."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from sqlalchemy import select

from storage.handover import DeliveryStatus, HandoverDelivery
from tests.e2e.conftest import ROOT, _free_port, eventually
from tests.handover.test_handover import connect
from tests.moderation.test_moderation import ALMATY, add_report, reporter


class Process:
    def __init__(self, settings, workdir: Path) -> None:
        self.env = {
            **os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": settings.DATABASE_URL,
            "MEDIA_DIR": str(settings.MEDIA_DIR), "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(settings.SMTP_PORT),
            "SMTP_STARTTLS": "false", "ADMINS": "", "WEB_PORT": str(_free_port()),
        }  # fmt: skip
        self.workdir = workdir
        self.runs = 0

    async def start(self, *args: str) -> asyncio.subprocess.Process:
        self.runs += 1
        log = (self.workdir / f"run-{self.runs}.log").open("wb")
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "-v", *args, cwd=self.workdir, env=self.env, stdout=log, stderr=log
        )

    def logs(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.workdir.glob("run-*.log")))


async def killed(process: asyncio.subprocess.Process) -> None:
    process.send_signal(signal.SIGKILL)
    await process.wait()


async def test_killed_during_handover_each_report_once_to_open311_and_at_least_once_by_email(
    app, clock, settings, endpoint, smtp, tmp_path
) -> None:
    _, user_id = await reporter(app, "aigerim", "Қазақша")
    ids = [await add_report(app, user_id, ALMATY, clock, lat=43.2 + i / 100, lon=76.9) for i in range(3)]
    await connect(app, clock, endpoint, "akimat@almaty.test")
    workdir = tmp_path / "run"
    workdir.mkdir()
    bot = Process(settings, workdir)

    handover = await bot.start("jobs", "run", "handover")  # queues the e-mails, plans the POSTs
    assert await handover.wait() == 0, bot.logs()

    # The second POST reaches the endpoint and is kept there; the bot dies before it hears back.
    endpoint.hang_on = {2}
    deliver = await bot.start("jobs", "run", "handover_deliver")
    await eventually(lambda: asyncio.sleep(0, len(endpoint.posts) == 2), timeout=60)
    await killed(deliver)

    # The outbox sender dies while the SMTP server holds the first letter.
    smtp.mailbox.delay = 30
    web = await bot.start("web")
    await eventually(lambda: asyncio.sleep(0, len(smtp.messages) == 1), timeout=60)
    await killed(web)
    smtp.mailbox.delay = 0

    again = await bot.start("jobs", "run", "handover_deliver")
    assert await again.wait() == 0, bot.logs()
    web = await bot.start("web")
    try:
        await eventually(lambda: asyncio.sleep(0, len({m["Subject"] for m in smtp.messages}) == 3), timeout=60)
    finally:
        await killed(web)

    codes = sorted(p.fields["attribute[taza_code]"][0] for p in endpoint.posts)
    assert codes == [f"TZ-{i:06d}" for i in ids], bot.logs()  # each exactly once
    subjects = [m["Subject"] for m in smtp.messages]
    for report_id in ids:
        assert 1 <= sum(f"[TZ-{report_id:06d}]" in s for s in subjects) <= 2  # at least once, at most twice
    async with app.sessions() as s:
        every = (await s.scalars(select(HandoverDelivery))).all()
        rows = [r for r in every if r.external_id]
    assert sorted(r.external_id for r in rows) == ["AK-1", "AK-2", "AK-3"], [(r.id, r.target_id, r.status, r.external_id, r.last_error) for r in every]
    assert all(r.status == DeliveryStatus.DELIVERED for r in rows)
