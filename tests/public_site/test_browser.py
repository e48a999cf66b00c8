"""The web page in a real browser (Debian's chromium, headless): the map shows the seeded reports
of every status, its layers switch on and off, the language switch works, the report's and the
event's pages show what they should and run nothing a citizen typed, and the page stays readable
with the map tiles blocked. Screenshots are saved in the test's temporary folder."""

from __future__ import annotations

from pathlib import Path

import pytest
from aiohttp.test_utils import TestServer

from bot.public_site.pages import STATUS_COLOURS
from bot.web import create_web_app
from storage.reports import report_code
from tests.public_site.browser import BrowserThread
from tests.public_site.seed import EVENT_TITLE, seed

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # the browser, not the database, is tested here


@pytest.fixture(scope="module")
def browser():
    thread = BrowserThread()
    yield thread
    thread.close()


@pytest.fixture
async def site(app):
    server = TestServer(create_web_app(app), host="127.0.0.1")
    await server.start_server()
    yield str(server.make_url("")).rstrip("/")
    await server.close()


def real_problems(page) -> list[str]:
    """Console errors other than the refused tiles (CSP violations and script errors stay)."""
    return [p for p in page.problems if "Failed to load resource" not in p]


def front_page(b: BrowserThread, base: str, shots: Path) -> dict:
    page = b.new_page()
    page.goto(f"{base}/en")
    page.wait_for_selector("#map[data-loaded=true]", timeout=20_000)
    found = {"points": {s: page.locator(f"path.pt-{s}").count() for s in STATUS_COLOURS}}
    found["events"] = page.locator("path.ev").count()
    found["trees"] = page.locator("path.tr").count()
    page.screenshot(path=shots / "front-en.png", full_page=True)

    # the layer switch: reports off and on, events off
    control = page.locator(".leaflet-control-layers")
    control.get_by_text("Reports", exact=True).click()
    found["reports_hidden"] = page.locator("path.pt-confirmed").count()
    control.get_by_text("Reports", exact=True).click()
    found["reports_shown"] = page.locator("path.pt-confirmed").count()
    control.get_by_text("Upcoming cleanup events").click()
    found["events_hidden"] = page.locator("path.ev").count()
    page.locator("#map").screenshot(path=shots / "map-events-off.png")

    # a point is reached with the keyboard; its popup links to its report's page
    page.locator("path.pt-cleaned").focus()
    found["focused"] = page.evaluate("document.activeElement.getAttribute('aria-label')")
    page.keyboard.press("Enter")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    found["popup"] = popup.inner_text()
    found["popup_link"] = popup.locator("a").get_attribute("href")

    # the language switch
    page.get_by_role("link", name="Қазақша").click()
    page.wait_for_selector("#map[data-loaded=true]")
    found["kk_url"] = page.url
    found["kk_lang"] = page.locator("html").get_attribute("lang")
    found["kk_h2"] = page.locator("h2").first.inner_text()
    found["kk_layers"] = page.locator(".leaflet-control-layers-overlays").inner_text()
    page.screenshot(path=shots / "front-kk.png")
    found["problems"] = real_problems(page)
    page.context.close()

    # without JavaScript the figures and the region table are all there
    page = b.new_page(javascript=False)
    page.goto(f"{base}/ru")
    found["nojs_cards"] = page.locator(".card").count()
    found["nojs_rows"] = page.locator("table.regions tbody tr").count()
    found["nojs_note"] = page.locator("noscript").count()
    page.context.close()
    return found


async def test_front_page_map_layers_and_languages(app, clock, site, browser, tmp_path) -> None:
    seeded = await seed(app, clock)
    found = await browser.run(front_page, site, tmp_path)
    assert found["points"] == {status: 1 for status in STATUS_COLOURS}, found["points"]  # every status, no rejected
    assert (found["events"], found["trees"]) == (1, 1)
    assert (found["reports_hidden"], found["reports_shown"], found["events_hidden"]) == (0, 1, 0)
    code = report_code(seeded.reports["cleaned"])
    assert found["focused"] == f"{code}, cleaned"
    assert [line for line in found["popup"].splitlines() if line][:2] == [code, "cleaned"]
    assert found["popup_link"] == f"/r/{code}?lang=en"
    assert found["kk_url"].endswith("/kk") and found["kk_lang"] == "kk"
    assert found["kk_h2"] == "Қазақстан сандармен" and "Алдағы сенбіліктер" in found["kk_layers"]
    assert found["problems"] == []  # no CSP violation, no script error
    assert (found["nojs_cards"], found["nojs_rows"], found["nojs_note"]) == (9, 20, 1)
    for name in ("front-en.png", "map-events-off.png", "front-kk.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name


def report_and_event(b: BrowserThread, base: str, shots: Path, code: str, event_id: int) -> dict:
    found: dict = {}
    page = b.new_page(tiles=False, locale="ru-RU")
    page.goto(f"{base}/r/{code}")
    found["h1"] = page.locator("h1").inner_text()
    for image in page.locator("img").all():  # loaded lazily: bring each into view
        image.scroll_into_view_if_needed()
    page.wait_for_function("[...document.images].every(i => i.complete)")
    found["images"] = page.evaluate("[...document.images].map(i => i.complete && i.naturalWidth > 0)")
    found["alts"] = page.evaluate("[...document.images].map(i => i.alt)")
    found["history"] = page.locator("ol.history li").count()
    found["pwned"] = page.evaluate("window.pwned === undefined ? null : window.pwned")
    found["title"] = page.title()
    page.screenshot(path=shots / "report-ru.png", full_page=True)

    page.goto(f"{base}/e/{event_id}?lang=en")
    found["event_h1"] = page.locator("h1").inner_text()
    found["event_pwned"] = page.evaluate("window.pwned === undefined ? null : window.pwned")
    found["event_bold"] = page.locator("h1 b").count()
    page.screenshot(path=shots / "event-en.png", full_page=True)

    # the map with its tiles refused: borders and points are drawn on the plain background
    page.goto(f"{base}/ru")
    page.wait_for_selector("#map[data-loaded=true]", timeout=20_000)
    found["borders"] = page.locator(".leaflet-overlay-pane path").count()
    found["offline_points"] = page.locator("path.pt-new").count()
    found["tiles"] = page.evaluate("[...document.querySelectorAll('img.leaflet-tile-loaded')].length")
    page.locator("#map").screenshot(path=shots / "map-without-tiles.png")
    found["problems"] = real_problems(page)
    page.context.close()
    return found


async def test_report_and_event_pages_run_nothing_typed(app, clock, site, browser, tmp_path) -> None:
    seeded = await seed(app, clock)
    code = report_code(seeded.reports["cleaned"])
    found = await browser.run(report_and_event, site, tmp_path, code, seeded.event_id)
    assert found["h1"] == f"Обращение {code}"
    assert found["images"] == [True, True]  # before and after, both public copies, both load
    assert all("размыты" in alt for alt in found["alts"])
    assert found["history"] == 4
    assert found["pwned"] is None and "pwned" not in found["title"]
    assert found["event_h1"] == EVENT_TITLE and found["event_bold"] == 0 and found["event_pwned"] is None
    assert found["borders"] >= 20 and found["offline_points"] == 1 and found["tiles"] == 0
    assert found["problems"] == []
    for name in ("report-ru.png", "event-en.png", "map-without-tiles.png"):
        assert (tmp_path / name).stat().st_size > 10_000, name
