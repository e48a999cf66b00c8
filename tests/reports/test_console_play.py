"""Issue 18, played in the console in kk, ru and en: a citizen sends text where the photo is asked,
types an address, shares a wrong location, then sends the right one on the summary. One report,
with the comment, the landmark and the right place: nothing lost, nothing asked twice."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.support import images
from tests.test_console import run_bot

ASKED_ONCE = {  # the photo question and the location question, in each language
    "kk": ("фотосуретін жіберіңіз", "Қоқыс үйіндісі қай жерде?"),
    "ru": ("Отправьте фото свалки", "Где находится свалка?"),
    "en": ("Send a photo of the dump", "Where is the dump?"),
}


@pytest.mark.parametrize("number,language", [(1, "kk"), (2, "ru"), (3, "en")])
def test_one_report_nothing_lost_nothing_asked_twice(tmp_path: Path, number: int, language: str) -> None:
    photo = tmp_path / "dump.jpg"
    photo.write_bytes(images.jpeg(11))
    script = "\n".join(
        [
            "/start", str(number), "1",  # language, consent
            "1",  # «Report a dump»
            "behind the garages",  # text at the photo step: the comment
            f"/photo {photo}",
            "Abay avenue 10",  # a typed address: the landmark, and a point still needed
            "/location 43.2 76.95",  # the wrong place (Almaty)
            "1",  # household waste: the summary
            "/location 51.1282 71.4306",  # the right place, sent on the summary
            "1",  # send
            "",
        ]
    )
    result = run_bot(["console", "--user", f"citizen_{language}"], script, tmp_path)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "TZ-000001" in out and "Traceback" not in out + result.stderr
    photo_question, where_question = ASKED_ONCE[language]
    assert out.count(where_question) == 1  # after the address the question changes: nothing re-asked
    assert out.count(photo_question) == 2  # asked, and once more after the text, with the comment kept
    with sqlite3.connect(tmp_path / "data" / "taza.db") as db:
        rows = db.execute(
            "select region_code, district_pcode, location_source, address, comment from reports"
        ).fetchall()
    assert rows == [("KZ-71", "KZ711210", "shared", "Abay avenue 10", "behind the garages")]
