"""The daily digest: counts, disputes, the oldest open reports, a map with a dot per open report in
its status's colour, and the region's /stats chart."""

from __future__ import annotations

from PIL import Image

from bot.scheduler import run_job
from bot.charts import STATUS_COLOURS
from tests.moderation.test_moderation import ALMATY, GROUP, Member, add_report, reporter, setup  # noqa: F401

ALMATY_POINTS = [(43.238, 76.945), (43.30, 76.85), (43.20, 77.05)]


async def test_daily_digest_once_per_day(app, setup, clock) -> None:
    ids = setup["ids"]
    _, user_id = await reporter(app, "dana", "English")
    for lat, lon in ALMATY_POINTS[1:]:
        await add_report(app, user_id, ALMATY, clock, lat=lat, lon=lon)
    await run_job(app, "handover")
    mod = Member(app, GROUP, "mod")
    await mod.press(f"mod:ok:{ids['aigerim']}")
    clock.advance(days=3)
    assert await run_job(app, "digest") == "digests for 1 regions"
    assert await run_job(app, "digest") == "digests for 0 regions"
    await app.sender.flush()
    digest, chart = app.channels["console"].sent[GROUP][-2:]
    assert "Daily digest: Almaty" in digest.text
    assert "queued: 3" in digest.text and "confirmed: 1" in digest.text
    assert "Disputed cleanups: 0" in digest.text and "3 days" in digest.text
    picture = app.settings.MEDIA_DIR / digest.photo_path
    image = Image.open(picture).convert("RGB")
    assert image.size == (1000, 800)
    colours = dict((colour, n) for n, colour in image.getcolors(maxcolors=1_000_000))
    for status, dots in (("queued", 3), ("confirmed", 1)):  # three queued, one confirmed; the legend too
        rgb = tuple(int(STATUS_COLOURS[status][i : i + 2], 16) for i in (1, 3, 5))
        assert colours.get(rgb, 0) > (dots + 1) * 20, status
    assert "Almaty in figures" in chart.text
    assert Image.open(app.settings.MEDIA_DIR / chart.photo_path).size == (1200, 600)
    clock.advance(days=1)
    assert await run_job(app, "digest") == "digests for 1 regions"
