"""The public web page over HTTP, as a browser or a journalist's script sees it: the front page in
three languages, the GeoJSON (filters, caching, nothing personal), the report's and the event's
pages (escaping, 404s, photos only as public copies of confirmed reports), the static files."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

from bot.public_site.pages import CSP, STATUS_COLOURS
from storage.reports import report_code
from tests.public_site.seed import ADDRESS, EVENT_DESCRIPTION, EVENT_TITLE, REPORTER_NAME, seed

PERSONAL = (REPORTER_NAME, "Secretova", "+77011234567", "call me", ADDRESS, "moderator note", "pwned")


def assert_safe_html(html: str, personal: tuple[str, ...] = PERSONAL) -> None:
    """No inline script or style anywhere, no personal data."""
    for tag in re.findall(r"<script[^>]*>", html):
        assert "src=" in tag, tag
    assert re.search(r"<script[^>]*>(?!</script>)", html) is None  # nothing between <script src> and </script>
    assert "<style" not in html and " style=" not in html
    for text in personal:
        assert text not in html, text


async def test_front_page_in_three_languages(app, clock, client) -> None:
    await seed(app, clock)
    kk = await client.get("/kk")
    html = await kk.text()
    assert kk.status == 200 and kk.headers["Content-Security-Policy"] == CSP
    assert '<html lang="kk">' in html and "Қазақстан" in html
    assert "script-src 'self'" in CSP and "unsafe" not in CSP
    assert_safe_html(html)
    ru = await (await client.get("/ru")).text()
    assert '<html lang="ru">' in ru and "Казахстан в цифрах" in ru
    en = await (await client.get("/en")).text()
    assert '<html lang="en">' in en and "Kazakhstan in figures" in en
    # the root follows the browser's language, and says it varies by it
    root = await client.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.8"})
    assert '<html lang="ru">' in await root.text() and "Accept-Language" in root.headers["Vary"]
    root = await client.get("/", headers={"Accept-Language": "de-DE,en;q=0.5"})
    assert '<html lang="en">' in await root.text()
    # the figures are on the page without any script: 8 reports (the rejected one counted), 7 regions
    figures = re.search(r"Reports</dt><dd>(\d+)</dd>", en)
    assert figures and figures.group(1) == "8"
    assert "Disputed cleanups</dt><dd>1</dd>" in en
    by_status = re.findall(r'<span class="dot dot-(\w+)" aria-hidden="true"></span> \w[\w ]*: <strong>(\d+)</strong>', en)
    assert len(by_status) == 8 and sum(int(count) for _status, count in by_status) == 8  # they add up
    # the region table: lag first by default; by name on request, with the sort announced
    lag = re.findall(r'<tr><th scope="row">([^<]+)</th>', en)
    assert len(lag) == 20 and 'aria-sort="descending"' in en
    by_name = await (await client.get("/en?sort=name")).text()
    names = re.findall(r'<tr><th scope="row">([^<]+)</th>', by_name)
    assert names == sorted(names) and names != lag and "Sorted by name." in by_name
    odd = await client.get("/en?sort=<script>")
    assert odd.status == 200 and "<script>" not in (await odd.text()).replace('<script src=', '')


async def test_geojson_carries_no_personal_data(app, clock, client) -> None:
    seeded = await seed(app, clock)
    response = await client.get("/api/reports.geojson")
    assert response.status == 200 and response.content_type == "application/geo+json"
    assert "max-age" in response.headers["Cache-Control"] and response.headers["ETag"]
    body = await response.text()
    for text in PERSONAL:
        assert text not in body
    data = json.loads(body)
    features = {f["properties"]["code"]: f for f in data["features"]}
    assert data["truncated"] is False
    assert {f["properties"]["status"] for f in features.values()} == set(STATUS_COLOURS)  # rejected left out
    assert report_code(seeded.reports["rejected"]) not in features
    for feature in features.values():
        assert set(feature["properties"]) == {"code", "status", "region"}
    confirmed = features[report_code(seeded.reports["confirmed"])]["geometry"]["coordinates"]
    assert confirmed == [69.59, 42.317]  # moderated: the exact point
    new = features[report_code(seeded.reports["new"])]["geometry"]["coordinates"]
    assert new != [76.945, 43.238] and abs(new[0] - 76.945) < 0.01 and abs(new[1] - 43.238) < 0.005  # its cell

    # filters: empty ones are no filter; a box around Almaty, a region, statuses
    empty = await (await client.get("/api/reports.geojson?region=&status=&bbox=")).json()
    assert len(empty["features"]) == len(features)
    almaty = await (await client.get("/api/reports.geojson?bbox=76.5,43.0,77.5,43.5")).json()
    assert [f["properties"]["status"] for f in almaty["features"]] == ["new"]
    region = await (await client.get("/api/reports.geojson?region=kz-79")).json()
    assert [f["properties"]["status"] for f in region["features"]] == ["confirmed"]
    some = await (await client.get("/api/reports.geojson?status=cleaned,disputed")).json()
    assert sorted(f["properties"]["status"] for f in some["features"]) == ["cleaned", "disputed"]
    for bad in ("bbox=1,2,3", "bbox=a,b,c,d", "bbox=80,40,70,50", "bbox=nan,1,2,3", "status=rejected", "region=XX-1"):
        refused = await client.get(f"/api/reports.geojson?{bad}")
        assert refused.status == 400 and "error" in await refused.json(), bad

    # caching: the same answer is not sent twice
    again = await client.get("/api/reports.geojson", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status == 304


async def test_report_page_shows_public_copies_and_no_personal_data(app, clock, client) -> None:
    seeded = await seed(app, clock)
    code = report_code(seeded.reports["cleaned"])
    page = await client.get(f"/r/{code}?lang=en")
    html = await page.text()
    assert page.status == 200 and page.headers["Content-Security-Policy"] == CSP
    assert_safe_html(html)
    assert f"<h1>Report {code}</h1>" in html and "Aktobe" in html and "Household waste, Plastic" in html
    assert re.findall(r"</time> — (\w+)</li>", html) == ["new", "queued", "confirmed", "cleaned"]
    assert f'src="/r/{code}/before-0.jpg"' in html and f'src="/r/{code}/after-0.jpg"' in html
    assert 'alt="The dump as reported (faces and number plates blurred)"' in html
    # the photo served is the public copy, never the original's path
    photo = await client.get(f"/r/{code}/after-0.jpg")
    assert photo.status == 200 and photo.content_type == "image/jpeg"
    media = Path(app.settings.MEDIA_DIR)
    copies = {p.read_bytes() for p in (media / "public").rglob("*.jpg")}
    assert await photo.read() in copies
    assert (await client.get(f"/r/{code}/after-1.jpg")).status == 404

    # a report no moderator has confirmed: no photos at all
    fresh = report_code(seeded.reports["new"])
    fresh_html = await (await client.get(f"/r/{fresh}?lang=ru")).text()
    assert "before-0.jpg" not in fresh_html and '<html lang="ru">' in fresh_html
    assert "модераторы региона подтвердят" in fresh_html
    assert (await client.get(f"/r/{fresh}/before-0.jpg")).status == 404

    # not published, not a code, not there: one 404 page, in HTML, still under the CSP
    for path in (
        f"/r/{report_code(seeded.reports['rejected'])}", "/r/TZ-999999", "/r/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/r/TZ-" + "9" * 40, "/r/0", f"/r/{code}/before-7.jpg",
    ):
        missing = await client.get(path, headers={"Accept-Language": "kk"})
        text = await missing.text()
        assert missing.status == 404 and "Бет табылмады" in text and "<script>alert" not in text, path
        assert missing.headers["Content-Security-Policy"] == CSP
    # another spelling of a code: one address per report
    moved = await client.get(f"/r/tz-{seeded.reports['cleaned']}", allow_redirects=False)
    assert moved.status == 301 and moved.headers["Location"] == f"/r/{code}"


async def test_event_page_escapes_the_organisers_text(app, clock, client) -> None:
    seeded = await seed(app, clock)
    app.deep_links.telegram_bot = "TazaTestBot"
    page = await client.get(f"/e/{seeded.event_id}?lang=en")
    html = await page.text()
    assert page.status == 200
    assert_safe_html(html, personal=(REPORTER_NAME, "<script>window", "<img src=x"))
    assert EVENT_TITLE not in html and EVENT_DESCRIPTION not in html
    assert "&lt;b&gt;Saturday&lt;/b&gt; cleanup &lt;script&gt;" in html
    assert "&lt;img src=x onerror=" in html and "Bring: &lt;i&gt;gloves&lt;/i&gt;" in html
    assert f'href="https://t.me/TazaTestBot?start=ev-{seeded.event_id}"' in html
    assert f"/start ev-{seeded.event_id}" in html and "Places left: 17 of 20" in html
    cancelled = await (await client.get(f"/e/{seeded.cancelled_event_id}?lang=en")).text()
    assert "has been cancelled" in cancelled and "t.me" not in cancelled
    for path in ("/e/abc", "/e/0", "/e/99999", "/e/" + "1" * 30, "/e/-1"):
        assert (await client.get(path)).status == 404, path


async def test_map_layers_static_files_and_page_weight(app, clock, client) -> None:
    seeded = await seed(app, clock)
    events = await (await client.get("/api/events.geojson?lang=en")).json()
    assert [f["properties"]["id"] for f in events["features"]] == [seeded.event_id]  # not the cancelled one
    assert events["features"][0]["properties"]["title"] == EVENT_TITLE  # data; the script shows it as text
    trees = await (await client.get("/api/trees.geojson?lang=en")).json()
    assert trees["features"][0]["geometry"]["coordinates"] == [71.471, 51.161]  # ~100 m, not the yard
    assert trees["features"][0]["properties"] == {"species": "<b>Karagash</b>", "count": 12}
    regions = await client.get("/api/regions.geojson")
    assert len((await regions.json())["features"]) == 20

    # the page and everything it loads before tiles, as transferred (gzip): under 200 kB
    page = await client.get("/en", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
    total = len(await page.read())
    html = gzip.decompress(await (await client.get("/en", headers={"Accept-Encoding": "gzip"}, auto_decompress=False)).read()).decode()
    assets = re.findall(r'(?:src|href)="(/static/[^"]+)"', html)
    assert len(assets) == 7
    for url in [*assets, "/api/regions.geojson", "/api/reports.geojson", "/api/events.geojson", "/api/trees.geojson"]:
        response = await client.get(url, headers={"Accept-Encoding": "gzip"}, auto_decompress=False)
        assert response.status == 200, url
        total += len(await response.read())
    assert total < 200_000, total

    leaflet = await client.get(next(a for a in assets if "leaflet.js" in a))
    assert leaflet.status == 200 and "max-age=86400" in leaflet.headers["Cache-Control"]
    cached = await client.get("/static/map.js", headers={"If-None-Match": (await client.get("/static/map.js")).headers["ETag"]})
    assert cached.status == 304
    for path in ("/static/../pages.py", "/static/%2e%2e/pages.py", "/static/templates/base.html", "/static/nothing.js"):
        assert (await client.get(path)).status == 404, path
    css = await (await client.get("/static/site.css")).text()
    for status, colour in STATUS_COLOURS.items():  # the legend's dots and the map's points agree
        assert f".dot-{status} {{ background: {colour}; }}" in css
