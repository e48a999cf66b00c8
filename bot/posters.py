"""A printable poster of a cleanup event (PNG, A4 at 150 dpi): the programme, the title, the time,
the place, what to bring, and a QR code of the invitation link, with the link written under it.

The QR code is made with segno; the text is drawn with Pillow in the DejaVu fonts shipped in
bot/fonts (every Kazakh letter, whatever fonts the system has; licence in bot/fonts/LICENSE), the
ones the tree certificates use."""

from __future__ import annotations

import asyncio
import io
from functools import cache

import segno
from PIL import Image, ImageDraw, ImageFont

from bot.certificates import BOLD, REGULAR
from handlers.services import PosterText

WIDTH, HEIGHT, MARGIN = 1240, 1754, 90
GREEN, DARK, GREY, WHITE = (22, 122, 64), (25, 35, 30), (90, 100, 95), (255, 255, 255)
QR_SIZE = 620


@cache
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(BOLD if bold else REGULAR), size)


def wrap(draw: ImageDraw.ImageDraw, text: str, face: ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Words into lines no wider than `width`; the last line ends with "…" when text is left over."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        line = ""
        for word in paragraph.split():
            candidate = f"{line} {word}".strip()
            if draw.textlength(candidate, font=face) <= width:
                line = candidate
                continue
            if line:
                lines.append(line)
            line = word
            while draw.textlength(line, font=face) > width:  # a word longer than the line
                cut = len(line) - 1
                while cut > 1 and draw.textlength(line[:cut], font=face) > width:
                    cut -= 1
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip()[: max(1, len(lines[-1]) - 1)] + "…"
    return lines


def qr_image(link: str, size: int) -> Image.Image:
    """The code at the largest whole number of pixels per module that fits in `size` (equal
    modules scan best)."""
    code = segno.make(link, error="m", micro=False)
    modules = code.symbol_size(border=2)[0]
    buffer = io.BytesIO()
    code.save(buffer, kind="png", scale=max(1, size // modules), border=2)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB")


class PosterDrawer:
    async def render(self, poster: PosterText) -> bytes:
        return await asyncio.to_thread(draw_poster, poster)


def draw_poster(poster: PosterText) -> bytes:
    """PNG bytes, every text already in the organiser's language."""
    image = Image.new("RGB", (WIDTH, HEIGHT), WHITE)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 0, WIDTH, 190), fill=GREEN)
    draw.text((MARGIN, 45), poster.programme, font=font(44, bold=True), fill=WHITE)
    draw.text((MARGIN, 112), poster.heading, font=font(36), fill=WHITE)
    y = 240
    for line in wrap(draw, poster.title, font(66, bold=True), WIDTH - 2 * MARGIN, 3):
        draw.text((MARGIN, y), line, font=font(66, bold=True), fill=DARK)
        y += 82
    y += 20
    for text in poster.lines:
        for line in wrap(draw, text, font(36), WIDTH - 2 * MARGIN, 3):
            draw.text((MARGIN, y), line, font=font(36), fill=DARK)
            y += 48
        y += 14
    qr_top = max(y + 20, HEIGHT - QR_SIZE - 230)
    size = min(QR_SIZE, HEIGHT - qr_top - 230)
    code = qr_image(poster.link, size)
    image.paste(code, ((WIDTH - code.width) // 2, qr_top + (size - code.height) // 2))
    y = qr_top + size + 25
    for line in wrap(draw, poster.call, font(38, bold=True), WIDTH - 2 * MARGIN, 2):
        draw.text(((WIDTH - draw.textlength(line, font=font(38, bold=True))) // 2, y), line, font=font(38, bold=True), fill=GREEN)
        y += 50
    for line in wrap(draw, poster.link, font(28), WIDTH - 2 * MARGIN, 2):
        draw.text(((WIDTH - draw.textlength(line, font=font(28))) // 2, y), line, font=font(28), fill=GREY)
        y += 36
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
