"""`python -m bot export reports`: CSV and GeoJSON, filters, and no personal data."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import update

from bot.cli import build_parser
from bot.commands import export
from tests.reports.test_report import finish, report_dump
from storage.reports import Report
from tests.support import images
from tests.support.chat import Chat


async def two_reports(app) -> None:
    chat = Chat(app, "secret-user", display_name="Aigerim Secret")
    await chat.onboard()
    await report_dump(chat, comment="call me at +77011234567")
    await chat.send("/menu")
    await chat.click("📸")
    await chat.photo(images.jpeg(2))
    await chat.click("choose the region")
    await chat.click("Ulytau")
    await chat.click("Zhezkazgan")
    await chat.send("behind the depot, ask secret Aigerim")  # the landmark: the person's own words
    await finish(chat)


async def run_export(monkeypatch, settings, tmp_path, *argv: str, what: str = "reports") -> str:
    monkeypatch.setenv("DATABASE_URL", settings.DATABASE_URL)
    out = tmp_path / "out.txt"
    parser, _ = build_parser()
    args = parser.parse_args(["export", what, *argv, "--output", str(out)])
    assert await export.run(args) == 0
    return out.read_text(encoding="utf-8")


async def test_csv_and_geojson(app, settings, tmp_path, monkeypatch) -> None:
    await two_reports(app)
    text = await run_export(monkeypatch, settings, tmp_path, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["code"] for r in rows] == ["TZ-000001", "TZ-000002"]
    assert rows[0]["region_code"] == "KZ-71" and rows[0]["waste_types"] == "household"
    assert rows[1]["region_name"] == "Ulytau Region" and rows[1]["latitude"] == ""
    for secret in ("secret", "Secret", "+7701", "call me"):
        assert secret not in text

    geo = json.loads(await run_export(monkeypatch, settings, tmp_path, "--format", "geojson"))
    assert geo["type"] == "FeatureCollection"
    lon, lat = geo["features"][0]["geometry"]["coordinates"]  # new: its ~500 m cell, not the point
    assert (lon, lat) != (71.4306, 51.1282) and abs(lon - 71.4306) < 0.004 and abs(lat - 51.1282) < 0.003
    assert geo["features"][1]["geometry"] is None
    assert (tmp_path / "out.txt").stat().st_mode & 0o777 == 0o600  # issue 17, point 12


async def test_rejected_reports_are_not_exported(app, settings, tmp_path, monkeypatch) -> None:
    await two_reports(app)
    async with app.sessions() as s, s.begin():
        await s.execute(update(Report).where(Report.id == 1).values(status="rejected"))
    text = await run_export(monkeypatch, settings, tmp_path)
    assert "TZ-000002" in text and "TZ-000001" not in text


async def test_filters(app, settings, tmp_path, monkeypatch) -> None:
    await two_reports(app)
    only = await run_export(monkeypatch, settings, tmp_path, "--region", "KZ-62")
    assert "TZ-000002" in only and "TZ-000001" not in only
    none = await run_export(monkeypatch, settings, tmp_path, "--since", "2030-01-01")
    assert none.strip().count("\n") == 0  # the header only
