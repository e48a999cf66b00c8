"""No public output can reach an original photo. Each public route that exists is followed with a
confirmed report whose photo has its public copy, and everything it gives out is searched for the
private folders (photos/, thumbs/) and for the original's bytes: Open311 (the list and one
request), the open-data exports (CSV and GeoJSON, reports and trees), the regions' daily digests,
and `public_report_photo`, the one function through which anything public gets a report's photo
(Open311's media_url, the web map)."""

from __future__ import annotations

import json

from sqlalchemy import select, update

from bot.commands.export import report_rows, to_csv, to_geojson, tree_rows
from bot.geo import shared_geography
from bot.scheduler import run_job
from storage.models import OutboxMessage
from storage.public_photos import public_photo_path, public_report_photo
from storage.reports import Report, ReportPhoto
from tests.blur.test_blur_flow import public_rows
from tests.moderation.test_moderation import ALMATY, GROUP, Member, add_report, reporter
from tests.support.chat import Chat
from tests.test_open311 import client_for

PRIVATE = ("photos/", "thumbs/")


def private_in(text: str) -> list[str]:
    return [folder for folder in PRIVATE if folder in text]


async def test_every_public_route_gives_the_public_copy_or_nothing(app, clock) -> None:
    admin = Chat(app, "admin")
    await admin.onboard("English")
    await admin.send(f"/addmoderator console:mod {ALMATY}")
    await Member(app, GROUP, "admin").send(f"/bindchat {ALMATY}")
    _, user_id = await reporter(app, "dana", "English")
    report_id = await add_report(app, user_id, ALMATY, clock)
    await run_job(app, "public_photos")
    [copy] = await public_rows(app)
    original = (app.settings.MEDIA_DIR / copy.original_path).read_bytes()
    assert (app.settings.MEDIA_DIR / copy.public_path).read_bytes() != original

    async with app.sessions() as s:
        report = await s.get(Report, report_id)
        assert await public_report_photo(s, report) is None  # not confirmed yet: nothing public
    await run_job(app, "handover")
    await Member(app, GROUP, "mod").press(f"mod:ok:{report_id}")
    async with app.sessions() as s:
        report = await s.get(Report, report_id)
        assert report.status == "confirmed"
        assert await public_report_photo(s, report) == copy.public_path
        assert await public_photo_path(s, copy.original_path) == copy.public_path
        assert await public_photo_path(s, copy.public_path) is None  # a public path leads nowhere else

    client = await client_for(app)
    try:
        for path in ("/open311/v2/requests.json", f"/open311/v2/requests/TZ-{report_id:06d}.json", "/open311/v2/services.json"):
            response = await client.get(path)
            assert response.status == 200
            body = await response.text()
            assert not private_in(body), (path, body)
            for item in json.loads(body) if "requests" in path else []:
                assert item["media_url"] is None or item["media_url"].rsplit("/", 2)[0].endswith("public")
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
