"""/stats as people see it: the figures of the country and of one's region, checked against the
rows this test writes; the chart, the comparison and the map are PNGs in the reader's language
with the status colours in them; a region one neither acts in nor moderates is refused."""

from __future__ import annotations

import shutil
from datetime import date, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.charts import STATUS_COLOURS
from storage.events import Event, EventStatus
from storage.models import Identity
from storage.moderation import ReportTriage
from storage.quiz import QuizRound
from storage.reports import Report, ReportStatus
from storage.trees import CaptureSource, TreeCapture, TreePlanting
from tests.support.chat import Chat, texts

ALMATY, ULYTAU = "KZ-75", "KZ-62"
LANGUAGES = {"kk": "Қазақша", "ru": "Русский", "en": "English"}


def rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))


async def fill(app, clock, user_id: int) -> None:
    """Almaty: 2 cleaned (in 10 and 40 days), 1 queued 35 days ago (overdue), 1 disputed, 1 new
    today; Ulytau: 1 rejected. An event held in Almaty (12 people, 30 bags, 85.5 kg), 10 trees
    planted with 7 alive at the check-in, one quiz player."""
    now = clock()
    async with app.sessions() as s, s.begin():
        def report(region, status, days_ago, cleaned_after=None):
            r = Report(reporter_id=user_id, region_code=region, status=status, latitude=43.25, longitude=76.9,
                       created_at=now - timedelta(days=days_ago), updated_at=now)
            s.add(r)
            return r, cleaned_after

        made = [
            report(ULYTAU, ReportStatus.REJECTED, 3),  # the oldest row: alice's latest report is in Almaty
            report(ALMATY, ReportStatus.CLEANED, 50, 10),
            report(ALMATY, ReportStatus.CLEANED, 45, 40),
            report(ALMATY, ReportStatus.QUEUED, 35),
            report(ALMATY, ReportStatus.DISPUTED, 20),
            report(ALMATY, ReportStatus.NEW, 0),
        ]
        await s.flush()
        for r, cleaned_after in made:
            cleaned_at = r.created_at + timedelta(days=cleaned_after) if cleaned_after else None
            s.add(ReportTriage(report_id=r.id, national=False, queued_at=r.created_at, disputes=0, cleaned_at=cleaned_at))
        s.add(Event(title="Saturday", description="d", latitude=43.2, longitude=76.9, region_code=ALMATY,
                    starts_at=now - timedelta(days=5), ends_at=now - timedelta(days=5, hours=-3), capacity=20, taken=12,
                    status=EventStatus.SCHEDULED, results_at=now - timedelta(days=4), attended=12, bags=30, kilograms=85.5))
        planting = TreePlanting(owner_id=user_id, species="elm", count=10, planted_on=date(2026, 1, 1), region_code=ALMATY,
                                latitude=43.2, longitude=76.9, location_source="shared")
        s.add(planting)
        await s.flush()
        s.add(TreeCapture(planting_id=planting.id, captured_at=now, source=CaptureSource.CHECKIN, alive=7))
        s.add(QuizRound(user_id=user_id, kind="solo", level="school", language="en", question_ids=["q1"]))


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
async def test_stats_for_the_country_and_my_region(app, clock, language, tmp_path) -> None:
    alice = Chat(app, "alice")
    await alice.onboard(LANGUAGES[language])
    async with app.sessions() as s:
        uid = await s.scalar(select(Identity.user_id).where(Identity.external_id == "alice"))
    await fill(app, clock, uid)

    country = (await alice.send("/stats"))[-1]
    picture = app.settings.MEDIA_DIR / country.photo_path
    shutil.copy(picture, f"/tmp/pt-points-stats-{language}.png")  # to look at
    image = Image.open(picture).convert("RGB")
    assert image.size == (1200, 600)
    colours = {colour for _n, colour in image.getcolors(maxcolors=1_000_000)}
    for status in ("cleaned", "queued", "disputed", "rejected", "new"):
        assert rgb(STATUS_COLOURS[status]) in colours, status
    if language == "en":
        text = country.text
        assert "Reports: 6" in text and "• cleaned: 2" in text and "• rejected: 1" in text
        assert "Median time from report to cleaned (last 12 months): 25 days" in text  # (10 + 40) / 2
        assert "Cleaned within 30 days (last 12 months): 50%" in text
        assert "Overdue (open for more than 30 days): 1" in text and "Disputed: 1" in text
        assert "Cleanup events held: 1, volunteers: 12" in text and "Bags collected: 30, kg: 85.5" in text
        assert "Trees planted: 10" in text and "7 of 10 (survival rate 70%)" in text
        assert "Quiz players: 1" in text
        labels = [c.label for c in country.choices]
        assert "📍 Almaty" in labels  # alice's latest report is in Almaty
        region = (await alice.click("📍 Almaty"))[-1]
        assert "Reports: 5" in region.text and "rejected" not in region.text and "Quiz players" not in region.text
    else:
        region = (await alice.press(f"stats:region:{ALMATY}", None))[-1]
    assert region.photo_path and region.photo_path != country.photo_path

    refused = await alice.press(f"stats:region:{ULYTAU}", None)  # neither hers nor moderated by her
    assert refused[0].text != region.text and not refused[0].photo_path

    compared = (await alice.press("stats:compare", None))[-1]
    picture = app.settings.MEDIA_DIR / compared.photo_path
    shutil.copy(picture, f"/tmp/pt-points-compare-{language}.png")
    image = Image.open(picture).convert("RGB")
    assert image.size == (1300, 850)
    colours = {colour for _n, colour in image.getcolors(maxcolors=1_000_000)}
    assert rgb("#e53935") in colours and rgb("#90a4ae") in colours  # lagging regions red, others grey
