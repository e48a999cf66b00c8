"""Issue 17, points 5, 10 and 13: open data publishes no exact point of an unmoderated report and
nothing of a rejected one, is paged, cached for a minute and limited per client address, and
answers every malformed request with a short JSON 4xx."""

from __future__ import annotations

from datetime import timedelta

import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot.web import create_web_app
from storage.reports import Report
from tests.moderation.test_moderation import ALMATY, add_report, reporter

LAT, LON = 43.23812, 76.94531


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"PUBLIC_REQUESTS_PER_MINUTE": 1000})


@pytest.fixture
async def client(app):
    client = TestClient(TestServer(create_web_app(app)))
    await client.start_server()
    yield client
    await client.close()


async def set_status(app, report_id: int, status: str) -> None:
    async with app.sessions() as s, s.begin():
        await s.execute(update(Report).where(Report.id == report_id).values(status=status))


async def listed(client, query: str = "") -> list[dict]:
    response = await client.get(f"/open311/v2/requests.json{query}")
    assert response.status == 200
    return await response.json()


async def test_new_is_rounded_moderated_is_exact_rejected_is_not_published(app, clock, client) -> None:
    _, user_id = await reporter(app, "dana", "English")
    new = await add_report(app, user_id, ALMATY, clock, lat=LAT, lon=LON)
    confirmed = await add_report(app, user_id, ALMATY, clock, lat=LAT + 0.01, lon=LON)
    rejected = await add_report(app, user_id, ALMATY, clock, lat=LAT + 0.02, lon=LON)
    await set_status(app, confirmed, "confirmed")
    await set_status(app, rejected, "rejected")

    items = {r["service_request_id"]: r for r in await listed(client)}
    assert set(items) == {f"TZ-{new:06d}", f"TZ-{confirmed:06d}"}
    exact = items[f"TZ-{confirmed:06d}"]
    assert (exact["lat"], exact["long"]) == (LAT + 0.01, LON)
    rounded = items[f"TZ-{new:06d}"]
    assert (rounded["lat"], rounded["long"]) != (LAT, LON)
    assert abs(rounded["lat"] - LAT) < 0.005 and abs(rounded["long"] - LON) < 0.007  # within ~500 m
    # Any report of the same 500 m cell gets the same published point: nothing to triangulate.
    near = await add_report(app, user_id, ALMATY, clock, lat=LAT + 0.0004, lon=LON - 0.0004)
    clock.advance(minutes=2)  # past the cache
    items = {r["service_request_id"]: r for r in await listed(client)}
    assert (items[f"TZ-{near:06d}"]["lat"], items[f"TZ-{near:06d}"]["long"]) == (rounded["lat"], rounded["long"])

    assert (await client.get(f"/open311/v2/requests/TZ-{rejected:06d}.json")).status == 404
    one = await (await client.get(f"/open311/v2/requests/TZ-{new:06d}.json")).json()
    assert (one[0]["lat"], one[0]["long"]) == (rounded["lat"], rounded["long"])


async def test_paged_and_cached_for_a_minute(app, clock, client) -> None:
    _, user_id = await reporter(app, "dana", "English")
    for n in range(5):
        await add_report(app, user_id, ALMATY, clock, lat=LAT + n * 0.01, lon=LON)
        clock.advance(minutes=1)
    first = await listed(client, "?page_size=2")
    second = await listed(client, "?page_size=2&page=2")
    third = await listed(client, "?page_size=2&page=3")
    assert [len(first), len(second), len(third)] == [2, 2, 1]
    assert len({r["service_request_id"] for r in first + second + third}) == 5
    assert len(await listed(client)) == 5  # the default page holds them all
    assert (await client.get("/open311/v2/requests.json?page_size=100000")).status == 400

    await add_report(app, user_id, ALMATY, clock, lat=LAT + 0.1, lon=LON)
    assert len(await listed(client)) == 5  # the same answer for a minute
    clock.advance(seconds=61)
    assert len(await listed(client)) == 6


async def test_requests_per_client_address_are_limited(app, clock) -> None:
    app.settings = app.settings.model_copy(update={"PUBLIC_REQUESTS_PER_MINUTE": 3})
    client = TestClient(TestServer(create_web_app(app)))
    await client.start_server()
    try:
        statuses = [(await client.get("/open311/v2/services.json")).status for _ in range(5)]
        assert statuses == [200, 200, 200, 429, 429]
        refused = await client.get("/open311/v2/requests.json")
        assert refused.status == 429 and "Retry-After" in refused.headers
        assert "error" in (await refused.json())
        assert (await client.get("/static/site.css")).status == 200  # the page's own files are not counted
        clock.advance(minutes=1)
        assert (await client.get("/open311/v2/services.json")).status == 200
    finally:
        await client.close()


@pytest.mark.parametrize(
    "path",
    [
        "/open311/v2/requests.json?start_date=0001-01-01T00:00:00%2B14:00",
        "/open311/v2/requests.json?end_date=9999-12-31T23:59:59-14:00",
        "/open311/v2/requests.json?start_date=2026-13-45",
        "/open311/v2/requests.json?page=0",
        "/open311/v2/requests.json?page=" + "9" * 400,
        "/open311/v2/requests/" + "1" * 30 + ".json",
        "/open311/v2/requests/" + "1" * 5000 + ".json",
        "/open311/v2/requests/TZ-" + "9" * 19 + ".json",
        "/no/such/route",
    ],
    ids=["year-1", "year-9999", "month-13", "page-0", "page-400-digits", "id-30-digits", "id-5000-digits", "id-19-digits", "unknown-route"],
)
async def test_malformed_requests_get_a_short_json_4xx(client, path: str) -> None:
    response = await client.get(path)
    assert 400 <= response.status < 500, (path[:80], response.status)
    assert response.content_type == "application/json"
    assert len(await response.read()) < 500 and "Traceback" not in await response.text()


async def test_start_date_range_still_works(app, clock, client) -> None:
    _, user_id = await reporter(app, "dana", "English")
    await add_report(app, user_id, ALMATY, clock)
    start = (clock() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert len(await listed(client, f"?start_date={start}")) == 1
