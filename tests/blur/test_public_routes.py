"""No public output can reach an original photo. Every GET route of the web server (the test fails
if one is added unchecked) is followed for a report before and after a moderator confirms it, and
everything it gives out is searched for the private folders (photos/, thumbs/): the public site
(pages, GeoJSON, static files) and Open311 (lists, one request, both formats), whose media_url
appears only once the report is confirmed and serves the blurred copy byte for byte; other photo
addresses and traversals get 404. Then the open-data exports (CSV and GeoJSON, reports and trees), the regions' daily
digests, and `public_report_photo`, the one function through which anything public gets a report's
photo (Open311's media_url, the web map)."""

from __future__ import annotations

import json

from xml.etree import ElementTree

from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select, update

from bot.commands.export import report_rows, to_csv, to_geojson, tree_rows
from bot.geo import shared_geography
from bot.scheduler import run_job
from bot.web import create_web_app
from storage.models import OutboxMessage
from storage.public_photos import public_photo_path, public_report_photo
from storage.reports import Report, ReportPhoto
from tests.blur.test_blur_flow import public_rows
from tests.moderation.test_moderation import ALMATY, GROUP, Member, add_report, moderators, reporter

PRIVATE = ("photos/", "thumbs/")


def private_in(text: str) -> list[str]:
    return [folder for folder in PRIVATE if folder in text]


# Every GET route the web server has, each followed below: a new one must be added here (and checked).
GET_ROUTES = {
    "/", "/{lang}", "/r/{code}", "/r/{code}/{kind}-{n}.jpg", "/e/{id}", "/static/{name}",
    "/api/reports.geojson", "/api/events.geojson", "/api/trees.geojson", "/api/regions.geojson",
    "/healthz", "/metrics",
    "/open311/v2/discovery.{fmt}", "/open311/v2/services.{fmt}", "/open311/v2/services/{code}.{fmt}",
    "/open311/v2/requests.{fmt}", "/open311/v2/requests/{id}.{fmt}", "/open311/v2/tokens/{token}.{fmt}",
}  # fmt: skip


def media_urls(body: str, fmt: str) -> list[str | None]:
    if fmt == "json":
        return [item["media_url"] for item in json.loads(body)]
    return [None if el.text is None else el.text for el in ElementTree.fromstring(body).iter("media_url")]


async def fetch_all(client, report_id: int) -> dict[str, str]:
    """Every public GET answer about the report, both formats: path -> body."""
    bodies = {}
    for fmt in ("json", "xml"):
        for path in (
            f"/open311/v2/requests.{fmt}",
            f"/open311/v2/requests.{fmt}?service_request_id=TZ-{report_id:06d}",
            f"/open311/v2/requests/TZ-{report_id:06d}.{fmt}",
            f"/open311/v2/discovery.{fmt}",
            f"/open311/v2/services.{fmt}",
            f"/open311/v2/services/illegal-dump.{fmt}",
            f"/open311/v2/tokens/nothing.{fmt}",
        ):
            response = await client.get(path)
            bodies[path] = await response.text()
    code = f"TZ-{report_id:06d}"
    for path in (
        "/healthz", "/metrics", "/", "/kk", "/ru", "/en", f"/r/{code}", "/e/1", "/static/site.css", "/static/map.js",
        "/api/reports.geojson", "/api/events.geojson", "/api/trees.geojson", "/api/regions.geojson",
    ):  # fmt: skip
        bodies[path] = await (await client.get(path)).text()
    return bodies


async def test_every_public_route_gives_the_public_copy_or_nothing(app, clock) -> None:
    await moderators(app)
    _, user_id = await reporter(app, "dana", "English")
    report_id = await add_report(app, user_id, ALMATY, clock)
    await run_job(app, "public_photos")
    [copy] = await public_rows(app)
    original = (app.settings.MEDIA_DIR / copy.original_path).read_bytes()
    public = (app.settings.MEDIA_DIR / copy.public_path).read_bytes()
    assert public != original

    client = TestClient(TestServer(create_web_app(app)))
    await client.start_server()
    try:
        routes = {r.resource.canonical for r in client.app.router.routes() if r.method == "GET"}
        assert routes == GET_ROUTES  # nothing public left unchecked

        # Not confirmed yet: no media_url, and the public copy itself is not served.
        async with app.sessions() as s:
            assert await public_report_photo(s, await s.get(Report, report_id)) is None
        for path, body in (await fetch_all(client, report_id)).items():
            assert not private_in(body), (path, body)
            if "/requests" in path:
                assert set(media_urls(body, "xml" if ".xml" in path else "json")) <= {None}, (path, body)
        for n in range(3):
            for kind in ("before", "after"):
                assert (await client.get(f"/r/TZ-{report_id:06d}/{kind}-{n}.jpg")).status == 404

        await run_job(app, "handover")
        await Member(app, GROUP, "mod").press(f"mod:ok:{report_id}")
        async with app.sessions() as s:
            report = await s.get(Report, report_id)
            assert report.status == "confirmed"
            assert await public_report_photo(s, report) == copy.public_path
            assert await public_photo_path(s, copy.original_path) == copy.public_path
            assert await public_photo_path(s, copy.public_path) is None  # a public path leads nowhere else
        clock.advance(minutes=2)  # past Open311's one-minute answer cache

        urls = set()
        for path, body in (await fetch_all(client, report_id)).items():
            assert not private_in(body), (path, body)
            if "/requests" in path:
                found = media_urls(body, "xml" if ".xml" in path else "json")
                assert found and all(found), (path, body)
                urls.update(found)
        assert len(urls) == 1
        [url] = urls
        assert url.endswith(f"/r/TZ-{report_id:06d}/before-0.jpg")
        response = await client.get("/" + url.split("://", 1)[1].split("/", 1)[1])
        assert response.status == 200 and response.content_type == "image/jpeg"
        assert await response.read() == public  # the blurred copy, byte for byte, not the original

        # No other photo address answers: the next photo, "after" photos, other reports, traversals.
        for path in (
            f"/r/TZ-{report_id:06d}/before-1.jpg",
            f"/r/TZ-{report_id:06d}/after-0.jpg",
            f"/r/TZ-{report_id + 1:06d}/before-0.jpg",
            f"/static/..%2F..%2F{copy.original_path.replace('/', '%2F')}",
            f"/static/../../{copy.original_path}",
        ):
            assert (await client.get(path)).status == 404, path
    finally:
        await client.close()

    geo = shared_geography()
    async with app.sessions() as s:
        reports = await report_rows(s, geo, None, None)
        trees = await tree_rows(s, geo, None, None)
    assert reports and reports[0]["photos"] == 1
    for text in (to_csv(reports, tuple(reports[0])), to_geojson(reports), to_geojson(trees)):
        assert not private_in(text)

    clock.advance(days=1)
    await run_job(app, "digest")
    async with app.sessions() as s:
        digests = (await s.scalars(select(OutboxMessage))).all()
    digests = [m.payload for m in digests if m.payload.get("kind") == "digest"]
    assert digests
    for payload in digests:
        assert (payload.get("photo_path") or "digests/").startswith("digests/") and not private_in(payload["text"])


async def test_a_rejected_report_has_no_public_photo(app, clock) -> None:
    _, user_id = await reporter(app, "dana", "English")
    report_id = await add_report(app, user_id, ALMATY, clock)
    await run_job(app, "public_photos")
    async with app.sessions() as s, s.begin():
        await s.execute(update(Report).where(Report.id == report_id).values(status="rejected"))
    async with app.sessions() as s:
        report = await s.get(Report, report_id)
        assert await public_report_photo(s, report) is None
        assert await s.scalar(select(ReportPhoto.path)) is not None  # the original is kept, privately
