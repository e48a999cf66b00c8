"""Tree-planting certificates drawn with Pillow: a landscape card good enough to post, in the
person's language, with the DejaVu fonts shipped in bot/fonts (every Kazakh letter; licence in
bot/fonts/LICENSE).

A character the font has no glyph for would come out as a box, so `unsupported` finds such
characters first (FreeType draws the font's .notdef glyph for them) and the flow refuses the name
with a reason instead."""

from __future__ import annotations

import asyncio
import io
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from handlers.services import CertificateText

FONTS_DIR = Path(__file__).with_name("fonts")
REGULAR, BOLD = FONTS_DIR / "DejaVuSans.ttf", FONTS_DIR / "DejaVuSans-Bold.ttf"
SIZE = (1600, 1131)  # A4 landscape proportions
MARGIN = 150  # text keeps this far from the left and right edges
PAPER = (252, 250, 242)
GREEN = (34, 110, 60)
LEAF = (76, 160, 90)
BARK = (120, 84, 50)
INK = (40, 44, 40)
GREY = (110, 116, 110)


@cache
def _font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@cache
def _notdef(path: Path) -> bytes:
    """The bitmap of the font's "no glyph" box (a private-use character no font here covers)."""
    return bytes(_font(path, 40).getmask("\U000f0000"))


class CertificateDrawer:
    def unsupported(self, text: str) -> str:
        missing = []
        for ch in dict.fromkeys(text):
            if ch.isspace():
                continue
            for path in (REGULAR, BOLD):
                if bytes(_font(path, 40).getmask(ch)) == _notdef(path):
                    missing.append(ch)
                    break
        return "".join(missing)

    async def render(self, certificate: CertificateText) -> bytes:
        return await asyncio.to_thread(draw, certificate)


def draw(c: CertificateText) -> bytes:
    image = Image.new("RGB", SIZE, PAPER)
    pen = ImageDraw.Draw(image)
    width, height = SIZE
    pen.rectangle((30, 30, width - 31, height - 31), outline=GREEN, width=10)
    pen.rectangle((56, 56, width - 57, height - 57), outline=LEAF, width=3)
    _tree(pen, width // 2, 262)
    y = 300
    y = _centred(pen, c.title.upper(), BOLD, 84, GREEN, y) + 18
    y = _centred(pen, c.programme, REGULAR, 38, GREY, y) + 60
    y = _centred(pen, c.awarded_to, REGULAR, 34, GREY, y) + 16
    y = _centred(pen, c.name, BOLD, 72, INK, y) + 22
    pen.line((width // 2 - 260, y, width // 2 + 260, y), fill=LEAF, width=3)
    y += 40
    for line in c.lines:
        y = _centred(pen, line, REGULAR, 36, INK, y) + 16
    _centred(pen, c.footer, REGULAR, 28, GREY, height - 140)
    out = io.BytesIO()
    image.save(out, "PNG", optimize=True)
    return out.getvalue()


def _centred(pen: ImageDraw.ImageDraw, text: str, path: Path, size: int, colour, top: int) -> int:
    """Draw `text` centred at `top`, smaller if it would not fit; returns the bottom of its box."""
    font = _font(path, size)
    limit = SIZE[0] - 2 * MARGIN
    while size > 16 and pen.textlength(text, font=font) > limit:
        size -= 2
        font = _font(path, size)
    pen.text((SIZE[0] // 2, top), text, font=font, fill=colour, anchor="ma")
    return pen.textbbox((SIZE[0] // 2, top), text, font=font, anchor="ma")[3]


def _tree(pen: ImageDraw.ImageDraw, x: int, bottom: int) -> None:
    """A small tree above the title: a trunk and three round crowns."""
    pen.rectangle((x - 9, bottom - 60, x + 9, bottom), fill=BARK)
    for dx, dy, r in ((-38, -88, 40), (38, -88, 40), (0, -128, 50)):
        pen.ellipse((x + dx - r, bottom + dy - r, x + dx + r, bottom + dy + r), fill=LEAF)
    pen.line((x - 80, bottom, x + 80, bottom), fill=GREEN, width=4)
