"""`python -m bot import sites FILE`: GeoJSON and CSV, bad rows reported by line and the rest loaded,
and the same file imported twice changes nothing. Each site is a report to verify with its region
and district, origin "satellite" and no reporter."""

from __future__ import annotations

import argparse
import sqlite3
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.commands import importer
from storage.reports import Report
from storage.sites import DetectedSite
from tests.support import databases

CSV = """lat,lon,source_id,detected,area_m2
43.2380,76.9450,S-1,2025-06-01,1200
51.1282,71.4306,S-2,2025-06-02,
abc,76.9,S-3,2025-06-02,
43.27,76.97,,2025-06-02,
55.75,37.61,S-5,2025-06-02,
43.28,76.98,S-1,2025-06-02,
43.29,76.99,S-7,2025/06/02,
"""

GEOJSON = """{"type": "FeatureCollection", "features": [
  {"type": "Feature", "id": "p1", "geometry": {"type": "Point", "coordinates": [71.4306, 51.1282]},
   "properties": {"detected": "2025-05-01"}},
  {"type": "Feature",
   "geometry": {"type": "Polygon", "coordinates": [[[69.58, 42.30], [69.60, 42.30], [69.60, 42.32], [69.58, 42.30]]]},
   "properties": {"id": "p2", "detected": "2025-05-02", "area_m2": 5400}},
  {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[71.4, 51.1], [71.5, 51.2]]},
   "properties": {"id": "p3", "detected": "2025-05-02"}},
  {"type": "Feature", "geometry": null, "properties": {"id": "p4"}},
  {"type": "Feature", "geometry": {"type": "Point", "coordinates": [76.95, 43.24]}, "properties": {"detected": "2025-05-03"}}
]}
"""


def test_csv_from_the_command_line_twice(sqlite_template: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    url = databases.sqlite_copy(sqlite_template, tmp_path / "cli.db")
    monkeypatch.setenv("DATABASE_URL", url)
    monkeypatch.setenv("MEDIA_DIR", str(tmp_path / "media"))
    path = tmp_path / "kazcosmos-2025.csv"
    path.write_text(CSV, encoding="utf-8")

    assert main(["import", "sites", str(path), "--source", "kazcosmos"]) == 1  # some rows were bad
    out, err = capsys.readouterr()
    assert out.strip() == "2 sites to verify added, 0 already imported, 5 bad rows (kazcosmos)"
    assert err.splitlines() == [
        "kazcosmos-2025.csv:4: latitude 'abc' is not a number",
        "kazcosmos-2025.csv:5: no source id",
        "kazcosmos-2025.csv:6: (55.75, 37.61) is outside Kazakhstan",
        "kazcosmos-2025.csv:7: source id 'S-1' repeats line 2",
        "kazcosmos-2025.csv:8: detection date '2025/06/02' is neither YYYY-MM-DD nor DD.MM.YYYY",
    ]
    assert main(["import", "sites", str(path), "--source", "kazcosmos"]) == 1
    assert "0 sites to verify added, 2 already imported" in capsys.readouterr().out

    db = sqlite3.connect(tmp_path / "cli.db")
    rows = db.execute(
        "SELECT r.status, r.origin, r.reporter_id, r.region_code, r.district_pcode IS NOT NULL, s.source_id,"
        " s.detected_on, s.area_m2 FROM reports r JOIN detected_sites s ON s.report_id = r.id ORDER BY r.id"
    ).fetchall()
    assert rows == [
        ("to_verify", "satellite", None, "KZ-75", 1, "S-1", "2025-06-01", 1200.0),
        ("to_verify", "satellite", None, "KZ-71", 1, "S-2", "2025-06-02", None),
    ]
    history = db.execute("SELECT new_status, note FROM report_status_changes ORDER BY id").fetchall()
    assert history == [("to_verify", "kazcosmos"), ("to_verify", "kazcosmos")]


async def test_geojson_points_and_polygons(app, settings, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.DATABASE_URL)
    path = tmp_path / "detections.geojson"
    path.write_text(GEOJSON, encoding="utf-8")
    args = argparse.Namespace(what="sites", file=path, source=None)

    assert await importer.run(args) == 1
    out, err = capsys.readouterr()
    assert out.strip() == "2 sites to verify added, 0 already imported, 3 bad rows (detections)"
    assert err.splitlines() == [
        "detections.geojson:7: geometry 'LineString' is not a Point or a Polygon",
        "detections.geojson:9: a feature without a geometry",
        "detections.geojson:10: no source id",
    ]
    assert await importer.run(args) == 1
    assert "0 sites to verify added, 2 already imported" in capsys.readouterr().out

    async with app.sessions() as s:
        reports = (await s.scalars(select(Report).order_by(Report.id))).all()
        assert await s.scalar(select(func.count()).select_from(DetectedSite)) == 2
    astana, shymkent = reports
    assert (astana.region_code, astana.status, astana.reporter_id) == ("KZ-71", "to_verify", None)
    assert astana.site.source_id == "p1" and astana.site.detected_on == date(2025, 5, 1)
    # The polygon's centroid, in Shymkent, with the area given
    assert shymkent.region_code == "KZ-79" and shymkent.district_pcode is not None
    assert shymkent.latitude == pytest.approx(42.3067, abs=1e-3) and shymkent.site.area_m2 == 5400


async def test_a_file_that_is_not_geojson(app, settings, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("DATABASE_URL", settings.DATABASE_URL)
    path = tmp_path / "broken.geojson"
    path.write_text('{"type": "FeatureCollection",\n "features": [\n  {"type": }\n]}', encoding="utf-8")
    assert await importer.run(argparse.Namespace(what="sites", file=path, source="x")) == 1
    out, err = capsys.readouterr()
    assert "0 sites to verify added" in out and err.startswith("broken.geojson:3: not valid JSON")
