"""Issue 17, point 2: "is it this report?" never sends another citizen's photo, and one person
cannot probe many points a day to collect what others reported."""

from __future__ import annotations

import pytest

from tests.reports.test_report import ASTANA, report_dump
from tests.support import images
from tests.support.chat import Chat, texts


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"DUPLICATE_CHECKS_PER_DAY": 2})


async def probe(chat: Chat, point: tuple[float, float], seed: int) -> str:
    """Start a report with any photo at `point`: what the bot says about that place."""
    await chat.send("/menu")
    started = await chat.click("📸")
    if "not sent yet" in started[-1].text:
        await chat.click("Discard")
    await chat.photo(images.jpeg(seed))
    return texts(await chat.location(*point))


async def test_duplicate_question_shows_place_type_and_date_never_the_photo(app, clock) -> None:
    owner = Chat(app, "owner")
    await owner.onboard()
    await report_dump(owner, seed=1)
    await owner.send("/forget")  # also after its reporter is gone
    await owner.click("Yes, delete")

    other = Chat(app, "other")
    await other.onboard()
    asked = await probe(other, (ASTANA[0] + 0.0003, ASTANA[1]), seed=9)
    question = other.last
    assert "TZ-000001" in asked and "Astana" in asked and "Household waste" in asked
    assert "2026" in asked  # the date of the other report
    assert question.photo_path is None and question.document is None


async def test_probing_many_points_is_limited(app) -> None:
    owner = Chat(app, "owner")
    await owner.onboard()
    points = [(ASTANA[0] + n * 0.01, ASTANA[1]) for n in range(3)]
    for n, point in enumerate(points):
        await report_dump(owner, seed=10 + n, point=point)
        await owner.send("/menu")

    prober = Chat(app, "prober")
    await prober.onboard()
    seen = [await probe(prober, point, seed=50 + n) for n, point in enumerate(points)]
    assert "TZ-000001" in seen[0] and "TZ-000002" in seen[1]
    assert "TZ-000003" not in seen[2] and "What kind of waste" in seen[2]  # the report goes on
