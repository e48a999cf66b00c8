"""Open311 GeoReport v2 endpoints: the spec's field names, open/closed mapping with status notes,
the filters, errors in the spec's format, and no personal data."""

from __future__ import annotations

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import update

from bot.open311 import add_routes
from storage.reports import Report
from tests.moderation.test_moderation import ALMATY, add_report, reporter

SERVICE_FIELDS = {"service_code", "service_name", "description", "metadata", "type", "keywords", "group"}
REQUEST_FIELDS = {
    "service_request_id", "status", "status_notes", "service_name", "service_code", "description",
    "agency_responsible", "service_notice", "requested_datetime", "updated_datetime",
    "expected_datetime", "address", "address_id", "zipcode", "lat", "long", "media_url",
    "origin",  # "citizen" or "satellite" (issue 14)
}


async def client_for(app) -> TestClient:
    web_app = web.Application()
    add_routes(web_app, app)
    client = TestClient(TestServer(web_app))
    await client.start_server()
    return client


async def test_open311_endpoints(app, clock) -> None:
    _, user_id = await reporter(app, "dana", "English")
    first = await add_report(app, user_id, ALMATY, clock)
    clock.advance(days=2)
    second = await add_report(app, user_id, ALMATY, clock, lat=43.3, lon=76.9)
    async with app.sessions() as s, s.begin():
        await s.execute(update(Report).where(Report.id == second).values(status="cleaned"))
    client = await client_for(app)
    try:
        services = await (await client.get("/open311/v2/services.json")).json()
        assert set(services[0]) == SERVICE_FIELDS and services[0]["service_code"] == "illegal-dump"

        everything = await (await client.get("/open311/v2/requests.json")).json()
        assert [r["service_request_id"] for r in everything] == [f"TZ-{second:06d}", f"TZ-{first:06d}"]
        for item in everything:
            assert set(item) == REQUEST_FIELDS
        open_one, closed_one = everything[1], everything[0]
        assert (open_one["status"], closed_one["status"]) == ("open", "closed")
        assert closed_one["status_notes"] == "cleaned"
        assert (closed_one["lat"], closed_one["long"]) == (43.3, 76.9)  # moderated: exact
        assert abs(open_one["lat"] - 43.238) < 0.003 and abs(open_one["long"] - 76.945) < 0.004  # new: ~500 m
        assert open_one["requested_datetime"].endswith("Z")
        assert "Almaty" in open_one["address"] and "Akimat" in open_one["agency_responsible"]
        flat = str(everything)
        assert "Dana" not in flat and "garages" not in flat  # no reporter, no free-text comment

        only_open = await (await client.get("/open311/v2/requests.json?status=open")).json()
        assert [r["service_request_id"] for r in only_open] == [f"TZ-{first:06d}"]
        start = (clock() - __import__("datetime").timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
        recent = await (await client.get(f"/open311/v2/requests.json?start_date={start}")).json()
        assert [r["service_request_id"] for r in recent] == [f"TZ-{second:06d}"]
        other = await (await client.get("/open311/v2/requests.json?service_code=potholes")).json()
        assert other == []

        one = await client.get(f"/open311/v2/requests/TZ-{first:06d}.json")
        assert (await one.json())[0]["service_request_id"] == f"TZ-{first:06d}"
        missing = await client.get("/open311/v2/requests/TZ-999999.json")
        assert missing.status == 404 and (await missing.json())[0]["code"] == 404
        bad = await client.get("/open311/v2/requests.json?start_date=yesterday")
        assert bad.status == 400 and "description" in (await bad.json())[0]
    finally:
        await client.close()
