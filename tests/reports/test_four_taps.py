"""The minimum paths of a report, counted input by input (issue 18): from the menu, a photo sent as a
file with its location reaches the public code in at most 4 inputs, a compressed photo plus a
shared location in at most 5, and a photo sent at the menu saves one more. In kk, ru and en."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.reports import Report
from tests.reports.test_report import ASTANA
from tests.support import images
from tests.support.chat import Chat

WORDS = {  # the language's button, its word for plastic, its «Send» button
    "kk": ("Қазақша", "Пластик", "Өтінішті жіберу"),
    "ru": ("Русский", "Пластик", "Отправить обращение"),
    "en": ("English", "Plastic", "Send the report"),
}
LANGUAGES = pytest.mark.parametrize("language", list(WORDS))


class Counted:
    """A chat that counts what the person sends (texts, presses, photos, locations)."""

    def __init__(self, chat: Chat) -> None:
        self.chat, self.inputs = chat, 0

    async def click(self, label: str):
        self.inputs += 1
        return await self.chat.click(label)

    async def photo(self, data: bytes, **kw):
        self.inputs += 1
        return await self.chat.photo(data, **kw)

    async def location(self, lat: float, lon: float):
        self.inputs += 1
        return await self.chat.location(lat, lon)


async def _sent(app) -> Report:
    async with app.sessions() as s:
        return await s.scalar(select(Report))


@LANGUAGES
async def test_photo_as_file_with_its_location_takes_four_inputs(app, language: str) -> None:
    button, plastic, send = WORDS[language]
    chat = Chat(app, "citizen")
    await chat.onboard(button)
    c = Counted(chat)
    await c.click("📸")
    got = await c.photo(images.jpeg(1, gps=ASTANA), as_document=True)
    assert plastic in " ".join(ch.label for ch in got[-1].choices)  # the kind of waste, not the place
    summary = await c.click(plastic)
    assert send in " ".join(ch.label for ch in summary[-1].choices)
    sent = await c.click(send)
    assert "TZ-000001" in sent[-1].text
    assert c.inputs <= 4, f"{c.inputs} inputs"
    report = await _sent(app)
    assert (report.region_code, report.location_source, report.waste_types) == ("KZ-71", "photo", ["plastic"])
    assert report.size is None


@LANGUAGES
async def test_compressed_photo_and_a_shared_location_take_five_inputs(app, language: str) -> None:
    button, plastic, send = WORDS[language]
    chat = Chat(app, "citizen")
    await chat.onboard(button)
    c = Counted(chat)
    await c.click("📸")
    await c.photo(images.jpeg(2))
    await c.location(*ASTANA)
    await c.click(plastic)
    sent = await c.click(send)
    assert "TZ-000001" in sent[-1].text
    assert c.inputs <= 5, f"{c.inputs} inputs"
    report = await _sent(app)
    assert (report.region_code, report.district_pcode, report.location_source) == ("KZ-71", "KZ711210", "shared")


async def test_a_photo_at_the_menu_saves_one_more(app) -> None:
    button, plastic, send = WORDS["en"]
    chat = Chat(app, "citizen")
    await chat.onboard(button)
    c = Counted(chat)
    await c.photo(images.jpeg(3, gps=ASTANA), as_document=True)
    await c.click(plastic)
    sent = await c.click(send)
    assert "TZ-000001" in sent[-1].text
    assert c.inputs <= 3, f"{c.inputs} inputs"


async def test_compressed_photo_at_the_menu_and_a_location(app) -> None:
    chat = Chat(app, "citizen")
    await chat.onboard()
    c = Counted(chat)
    await c.photo(images.jpeg(4))
    await c.location(*ASTANA)
    await c.click("Plastic")
    sent = await c.click("Send the report")
    assert "TZ-000001" in sent[-1].text
    assert c.inputs <= 4, f"{c.inputs} inputs"
