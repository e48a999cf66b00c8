"""The daily digest: counts, disputes, the oldest open reports and a plausible PNG map."""

from __future__ import annotations

import io

from PIL import Image
from shapely.geometry import Point

from bot.geo import GEODATA_DIR
from bot.scheduler import run_job
from jobs.digest_map import DOT, HEIGHT, WIDTH, Projection, draw_region_map, region_shapes
from tests.moderation.test_moderation import ALMATY, GROUP, Member, add_report, reporter, setup  # noqa: F401

ALMATY_POINTS = [(43.238, 76.945), (43.30, 76.85), (43.20, 77.05)]


def test_map_png_is_plausible() -> None:
    outline = region_shapes(GEODATA_DIR)["KZ-19"]  # Almaty Region, around Almaty city
    png = draw_region_map(outline, [(44.0, 77.5), (43.5, 78.5)])
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.size == (WIDTH, HEIGHT)
    colours = image.getcolors(maxcolors=100_000)
    assert colours and len(colours) > 3  # not blank: background, land, border, dots
    project = Projection(outline.bounds)
    for lat, lon in [(44.0, 77.5), (43.5, 78.5)]:
        assert outline.contains(Point(lon, lat))
        x, y = project(lon, lat)
        assert image.getpixel((round(x), round(y))) == DOT
    corner = image.getpixel((2, 2))
    assert corner == (255, 255, 255)


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
    digest = app.channels["console"].sent[GROUP][-1]
    assert "Daily digest: Almaty" in digest.text
    assert "queued: 3" in digest.text and "confirmed: 1" in digest.text
    assert "Disputed cleanups: 0" in digest.text and "3 days" in digest.text
    picture = app.settings.MEDIA_DIR / digest.photo_path
    image = Image.open(picture)
    assert image.size == (WIDTH, HEIGHT)
    dots = dict((colour, n) for n, colour in image.getcolors(maxcolors=1_000_000))[DOT]
    assert dots > 3 * 40  # four open reports, a filled dot is ~60 pixels (two overlap at most)
    clock.advance(days=1)
    assert await run_job(app, "digest") == "digests for 1 regions"
