"""Certificates: the name is asked once (never taken from the account) and can be changed; a PNG
in the person's language; names the font cannot draw, markup or 5,000 characters are refused."""

from __future__ import annotations

import io
from datetime import date

import pytest
from PIL import Image, ImageDraw

from bot.certificates import BOLD, REGULAR, SIZE, CertificateDrawer, _font, draw
from handlers.services import CertificateText
from storage.trees import CertificateName
from tests.support.chat import Chat, texts
from tests.trees.support import count, plant, user_id

KAZAKH = "ӘәҒғҚқҢңӨөҰұҮүҺһІі"
LANGS = [
    # button, certificate button, name, words the PNG's text has
    ("Қазақша", "Менің сертификатым", "Әсемгүл Құрманғазы", "сертификат"),
    ("Русский", "Мой сертификат", "Мария Иванова-Ким", "сертификат"),
    ("English", "My certificate", "Aigerim O'Neil", "certificate"),
]


def png(document) -> Image.Image:
    assert document is not None and document.mime_type == "image/png"
    image = Image.open(io.BytesIO(document.data))
    image.load()
    return image


@pytest.mark.parametrize("lang", LANGS, ids=["kk", "ru", "en"])
async def test_certificate_in_each_language(app, lang, monkeypatch) -> None:
    button, certificate, name, word = lang
    drawn: list[CertificateText] = []
    drawer = app.engine.router.services["certificates"]
    original = drawer.render

    async def spy(text: CertificateText) -> bytes:
        drawn.append(text)
        return await original(text)

    monkeypatch.setattr(drawer, "render", spy)
    chat = Chat(app, "planter", display_name="Account Name")
    await chat.onboard(button)
    me = await user_id(app, "planter")
    await plant(app, me, species="elm", count=10, planted_on=date(2026, 4, 12))
    await plant(app, me, species="birch", count=2, planted_on=date(2026, 5, 3))
    await chat.send("/trees")
    asked = await chat.click(certificate)
    assert "Account Name" not in asked[-1].text  # the account's name is never used silently
    sent = await chat.send(name)
    image = png(sent[0].document)
    assert image.size == SIZE and image.mode == "RGB"
    (text,) = drawn
    assert text.name == name and word in text.title.casefold()
    assert "12" in text.lines[0] and "× 10" in text.lines[1] and "× 2" in text.lines[1]
    everything = " ".join((text.title, text.programme, text.awarded_to, text.name, *text.lines, text.footer))
    assert CertificateDrawer().unsupported(everything) == ""  # no glyph drawn as a box

    again = await chat.send("/trees")
    await chat.click(certificate)
    assert len(drawn) == 2 and drawn[1].name == name  # asked once, then remembered
    assert again


async def test_names_refused_with_a_reason(app, chat: Chat) -> None:
    await chat.onboard()
    await plant(app, await user_id(app, "alice"))
    await chat.send("/trees")
    await chat.click("My certificate")
    for name, reason in (
        ("<b>Alice</b>", "only letters"),
        ("A" * 5000, "too long"),
        ("李小龍", "cannot show these letters: 李 小 龍"),
        ("👍", "only letters"),
        ("7", "only letters"),
    ):
        replies = await chat.send(name)
        assert reason in replies[0].text and replies[0].document is None, name
    assert await count(app, CertificateName) == 0
    await chat.send("Alice Brown")
    changed = await chat.click("Change the name")
    assert "Which name" in changed[-1].text
    second = await chat.send("Әлия Брaун".replace("a", "а"))
    assert second[0].document is not None
    async with app.sessions() as s:
        assert (await s.get(CertificateName, await user_id(app, "alice"))).name == "Әлия Браун"


async def test_no_plantings_no_certificate(app, chat: Chat) -> None:
    await chat.onboard()
    await chat.send("/trees")
    assert "My certificate" not in texts([chat.last])
    await chat.press("trees:cert", chat.last.choice_seq)  # not offered: stale
    assert await count(app, CertificateName) == 0


def test_every_kazakh_letter_is_drawn() -> None:
    """Each Kazakh letter has its own glyph: its box differs from the font's "no glyph" box."""
    drawer = CertificateDrawer()
    assert drawer.unsupported(KAZAKH) == ""
    assert drawer.unsupported("中") == "中"
    pen = ImageDraw.Draw(Image.new("RGB", (10, 10)))
    for path in (REGULAR, BOLD):
        font = _font(path, 60)
        notdef = pen.textbbox((0, 0), "\U000f0000", font=font)
        boxes = {ch: pen.textbbox((0, 0), ch, font=font) for ch in KAZAKH}
        assert all(box != notdef for box in boxes.values())
        assert len({bytes(font.getmask(ch)) for ch in KAZAKH}) == len(KAZAKH)


def test_a_long_name_is_fitted_inside_the_card() -> None:
    text = CertificateText("Сертификат", "«Таза Қазақстан» бағдарламасы", "Сертификат иесі", "Ә" * 60, ("x",), "y")
    image = Image.open(io.BytesIO(draw(text)))
    assert image.size == SIZE
    # Nothing drawn in the margins left and right of the name's line, outside the frames.
    strip = image.crop((70, 500, 130, 640)).convert("L")
    assert strip.getextrema()[0] > 200
