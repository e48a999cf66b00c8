"""Our Open311 GeoReport v2 server as other apps see it: `georeport` (a GeoReport v2 client from
the package index, written by someone else) reads every GET call in XML and in JSON; discovery,
tokens, POST and the error documents are read with ElementTree against the spec's element names.
A partner's POST with a key creates a report that moderators then triage."""

from __future__ import annotations

import asyncio
import json
from xml.etree import ElementTree as ET

import aiohttp
import pytest
from aiohttp.test_utils import TestServer
from georeport import GeoReport
from sqlalchemy import func, select

from bot.scheduler import run_job
from bot.web import create_web_app
from storage.handover import ApiWrite, create_api_key
from storage.reports import Report, ReportStatus
from tests.moderation.test_moderation import ALMATY, GROUP, add_report, moderators, reporter
from tests.support import images

ALMATY_POINT = {"lat": "43.2380", "long": "76.9450"}


@pytest.fixture
async def server(app):
    app.settings.PUBLIC_REQUESTS_PER_MINUTE = 10_000
    test_server = TestServer(create_web_app(app), host="127.0.0.1")
    await test_server.start_server()
    yield test_server
    await test_server.close()


@pytest.fixture
async def key(app, clock) -> str:
    async with app.sessions() as s, s.begin():
        return (await create_api_key(s, "Almaty akimat site", clock()))[1]


def as_list(value):
    """xmltodict gives one child as a dict and several as a list."""
    return value if isinstance(value, list) else [value]


async def test_a_georeport_client_reads_every_call_in_xml_and_json(app, clock, server) -> None:
    _, user_id = await reporter(app, "dana", "English")
    first = await add_report(app, user_id, ALMATY, clock)
    second = await add_report(app, user_id, "KZ-71", clock, lat=51.128, lon=71.43)
    base = str(server.make_url("/open311/v2"))
    for fmt in ("json", "xml"):
        client = GeoReport(base, output_format=fmt)
        (service,) = as_list(await asyncio.to_thread(client.get_service_list))
        assert service["service_code"] == "illegal-dump" and str(service["metadata"]).lower() == "true"
        definition = await asyncio.to_thread(client.get_service_definition, "illegal-dump")
        attributes = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
        waste = attributes[0]
        values = waste["values"] if fmt == "json" else waste["values"]["value"]
        assert waste["code"] == "waste" and waste["datatype"] == "multivaluelist"
        assert {"key": "household", "name": "Household waste"} in [dict(v) for v in values]

        everything = as_list(await asyncio.to_thread(client.get_service_requests))
        assert {r["service_request_id"] for r in everything} == {f"TZ-{first:06d}", f"TZ-{second:06d}"}
        only = as_list(await asyncio.to_thread(client.get_service_requests, service_request_id=f"TZ-{first:06d}"))
        assert [r["service_request_id"] for r in only] == [f"TZ-{first:06d}"]
        astana = GeoReport(base, jurisdiction="KZ-71", output_format=fmt)
        assert [r["service_request_id"] for r in as_list(await asyncio.to_thread(astana.get_service_requests))] == [
            f"TZ-{second:06d}"
        ]
        one = await asyncio.to_thread(client.get_service_request, f"TZ-{second:06d}")
        assert one["status"] == "open" and float(one["lat"]) == pytest.approx(51.128, abs=0.005)

    async with aiohttp.ClientSession() as http:
        async with http.get(f"{base}/services/illegal-dump.xml", params={"locale": "kk"}) as response:
            root = ET.fromstring(await response.read())
        assert root.tag == "service_definition"
        names = [v.findtext("name") for v in root.iter("value")]
        assert "Тұрмыстық қалдықтар" in names
        async with http.get(f"{base}/discovery.xml") as response:
            discovery = ET.fromstring(await response.read())
        endpoint = discovery.find("endpoints/endpoint")
        assert endpoint.findtext("specification") == "http://wiki.open311.org/GeoReport_v2"
        assert [f.text for f in endpoint.iter("format")] == ["application/json", "text/xml"]
        async with http.get(f"{base}/services/potholes.xml") as response:
            assert response.status == 404
            error = ET.fromstring(await response.read()).find("error")
            assert error.findtext("code") == "404" and "illegal-dump" in error.findtext("description")
        async with http.get(f"{base}/requests.xml", params={"jurisdiction_id": "RU-MOW"}) as response:
            assert response.status == 400 and b"<errors><error>" in await response.read()


async def post(server, fmt: str = "xml", **fields) -> tuple[int, bytes]:
    form = aiohttp.FormData()
    photo = fields.pop("media", None)
    for name, value in fields.items():
        for item in value if isinstance(value, list) else [value]:
            form.add_field(name.replace("__", "[").replace("_END", "]"), item)
    if photo is not None:
        form.add_field("media", photo, filename="dump.jpg", content_type="image/jpeg")
    async with aiohttp.ClientSession() as http:
        async with http.post(server.make_url(f"/open311/v2/requests.{fmt}"), data=form) as response:
            return response.status, await response.read()


def waste(*keys: str) -> dict:
    return {"attribute__waste_END[]": list(keys)}


async def test_post_with_a_key_creates_a_report_that_moderators_triage(app, clock, server, key) -> None:
    mod = await moderators(app)
    status, body = await post(server, api_key=key, service_code="illegal-dump", **ALMATY_POINT,
                              **waste("household", "tyres"), **{"attribute__size_END": "truck"},
                              description="Near the school fence", media=images.jpeg(3))  # fmt: skip
    assert status == 200, body
    request = ET.fromstring(body).find("request")
    code, token = request.findtext("service_request_id"), request.findtext("token")
    assert code.startswith("TZ-")
    async with aiohttp.ClientSession() as http:
        async with http.get(server.make_url(f"/open311/v2/tokens/{token}.json")) as response:
            assert (await response.json())[0]["service_request_id"] == code
    async with app.sessions() as s:
        report = await s.scalar(select(Report))
        write = await s.scalar(select(ApiWrite))
    assert (report.status, report.region_code, report.reporter_id) == (ReportStatus.NEW, ALMATY, None)
    assert report.waste_types == ["household", "tyres"] and report.size == "truck" and len(report.photos) == 1
    assert report.history[0].note == "open311:Almaty akimat site"
    assert (write.outcome, write.report_id) == ("created", report.id)

    # The same place again: the open report is confirmed, not repeated.
    status, body = await post(server, "json", api_key=key, service_code="illegal-dump", **ALMATY_POINT,
                              **waste("plastic"), media=images.jpeg(4))  # fmt: skip
    assert json.loads(body)[0]["service_request_id"] == code
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Report)) == 1
        assert (await s.get(Report, report.id)).confirmations_count == 1

    await run_job(app, "handover")
    await app.sender.flush()
    assert any(code in r.text for r in app.channels["console"].sent[GROUP])
    await mod.press(f"mod:ok:{report.id}")
    async with app.sessions() as s:
        assert (await s.get(Report, report.id)).status == ReportStatus.CONFIRMED


async def test_bad_posts_get_the_spec_error_document_and_store_nothing(app, clock, server, key) -> None:
    good = dict(api_key=key, service_code="illegal-dump", **ALMATY_POINT, **waste("household"))
    cases = [
        ({**good, "api_key": "taza_wrong"}, 403, "api_key"),
        ({**good, "lat": "55.7558", "long": "37.6173"}, 400, "outside Kazakhstan"),
        ({k: v for k, v in good.items() if not k.startswith("attribute")}, 400, "attribute[waste] is required"),
        ({**good, **waste("uranium")}, 400, "unknown values"),
        ({**good, "media": images.pdf()}, 400, "not a JPEG"),
        ({**good, "media": b"\xff\xd8" + b"0" * (11 * 1024 * 1024)}, 413, "larger than 10 MB"),
        ({**good, "media_url": "https://evil.example/x.jpg"}, 400, "host the administrators allowed"),
        ({**good, "service_code": "potholes"}, 400, "illegal-dump"),
        (good, 400, "a photo is required"),
    ]
    app.settings.OPEN311_MEDIA_HOSTS = ["localhost"]
    cases.append(({**good, "media_url": "https://localhost/x.jpg"}, 400, "private address"))
    for fields, expected, words in cases:
        status, body = await post(server, **fields)
        error = ET.fromstring(body).find("error")
        assert (status, error.findtext("code")) == (expected, str(expected)), (words, body)
        assert words in error.findtext("description"), body
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Report)) == 0
        logged = (await s.scalars(select(ApiWrite.outcome))).all()
    # Logged with the key: all but the bad key and the oversize body (refused while it was read).
    assert len(logged) == len(cases) - 2 and all(o.startswith("refused") for o in logged)


async def test_writes_are_limited_per_key(app, clock, server, key) -> None:
    limit = app.settings.OPEN311_WRITES_PER_MINUTE
    answers = [await post(server, api_key=key) for _ in range(limit + 1)]
    assert [status for status, _ in answers] == [400] * limit + [429]
    clock.advance(minutes=1)
    assert (await post(server, api_key=key))[0] == 400


async def test_a_posted_fire_is_urgent_and_never_merged(app, clock, server, key) -> None:
    await post(server, api_key=key, service_code="illegal-dump", **ALMATY_POINT, **waste("fire"), media=images.jpeg(5))
    # The same place again, a plain dump: not merged into the fire either.
    await post(server, api_key=key, service_code="illegal-dump", **ALMATY_POINT, **waste("plastic"), media=images.jpeg(6))
    await post(server, api_key=key, service_code="illegal-dump", **ALMATY_POINT, **waste("spill"), media=images.jpeg(7))
    async with app.sessions() as s:
        rows = (await s.execute(select(Report.waste_types, Report.urgent, Report.confirmations_count).order_by(Report.id))).all()
    assert [tuple(r) for r in rows] == [(["fire"], True, 0), (["plastic"], False, 0), (["spill"], True, 0)]
