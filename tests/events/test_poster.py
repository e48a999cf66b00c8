"""The poster: its QR code decodes back to the invitation link, and its font draws every Kazakh
letter (none falls back to an empty box)."""

from __future__ import annotations

import io

import zxingcpp
from PIL import Image, ImageChops, ImageDraw

from bot.posters import HEIGHT, WIDTH, draw_poster, font
from handlers.services import PosterText

LINK = "https://t.me/taza_test_bot?start=ev-42"


def test_qr_code_decodes_to_the_link() -> None:
    png = draw_poster(
        PosterText(
            programme="«Таза Қазақстан»",
            heading="Сенбілік",
            title="Есіл жағалауын тазалау " * 6,  # a long title is wrapped and cut, never over the code
            lines=("2026 ж. 6 мау., сб 10:00–13:00", "Астана қаласы, Есіл ауданы", "Қолғап, су"),
            call="Тіркелу үшін кодты сканерлеңіз",
            link=LINK,
        )
    )
    image = Image.open(io.BytesIO(png))
    assert image.size == (WIDTH, HEIGHT) and image.format == "PNG"
    assert [code.text for code in zxingcpp.read_barcodes(image)] == [LINK]


def test_font_has_every_kazakh_letter() -> None:
    face = font(40)

    def picture(char: str) -> Image.Image:
        canvas = Image.new("L", (60, 60))
        ImageDraw.Draw(canvas).text((5, 5), char, font=face, fill=255)
        return canvas

    notdef = picture("\U0010fffd")  # a code point no font has: drawn as the .notdef box
    for letter in "ӘәҒғҚқҢңӨөҰұҮүҺһІі":
        drawn = picture(letter)
        assert drawn.getbbox() is not None, letter
        assert ImageChops.difference(drawn, notdef).getbbox() is not None, f"{letter} is drawn as .notdef"
