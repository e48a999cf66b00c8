"""kill -9 between storing a photo and making its public copy: a real bot process (killed_child.py)
takes a citizen's report: the photo step commits and the copy's making stalls (as a slow detector
would), the report is sent and committed, and the process is killed with SIGKILL. The photo is stored and has no public copy; the `public_photos` job, run as its own
`python -m bot jobs run` process, finds it and makes it, blurred."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

import numpy as np
from PIL import Image
from sqlalchemy import select

from storage.public_photos import PublicPhoto, public_photo_path
from storage.reports import ReportPhoto
from tests.e2e.conftest import ROOT

WAIT = 60  # s for the child's start (imports, the conversation) before it is given up


async def test_photo_stored_then_kill_9_then_the_job_makes_the_blurred_copy(app, settings, tmp_path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": settings.DATABASE_URL,
           "MEDIA_DIR": str(settings.MEDIA_DIR), "ADMINS": ""}  # fmt: skip
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.blur.killed_child", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    lines = []
    try:
        while not (lines and lines[-1].startswith("SENT")):
            line = await asyncio.wait_for(child.stdout.readline(), WAIT)
            assert line, "the child ended before the copy:\n" + "".join(lines)
            lines.append(line.decode(errors="replace"))
    finally:
        child.send_signal(signal.SIGKILL)
        await child.wait()
    assert child.returncode == -signal.SIGKILL
    [original_path] = [line.split()[1] for line in lines if line.startswith("READY")]

    async with app.sessions() as s:
        assert await s.scalar(select(ReportPhoto.path)) == original_path  # committed before the kill
        assert await public_photo_path(s, original_path) is None  # and no public copy
    assert (settings.MEDIA_DIR / original_path).is_file()
    assert not (settings.MEDIA_DIR / "public").exists()

    job = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "jobs", "run", "public_photos", cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(job.communicate(), WAIT)
    assert job.returncode == 0, out.decode(errors="replace")
    assert "1 public copies made" in out.decode(errors="replace")

    async with app.sessions() as s:
        row = await s.get(PublicPhoto, original_path)
    assert row is not None and "face" in {box[0] for box in row.found}
    public = np.asarray(Image.open(settings.MEDIA_DIR / row.public_path).convert("L"), dtype=float)
    original = np.asarray(Image.open(settings.MEDIA_DIR / original_path).convert("L"), dtype=float)
    for kind, x, y, w, h in row.found:  # every box found is blurred in the copy
        assert np.abs(np.diff(public[y : y + h, x : x + w], axis=1)).mean() < np.abs(np.diff(original[y : y + h, x : x + w], axis=1)).mean()
