"""Test files made with Pillow: real JPEGs (with and without EXIF GPS and orientation) and the bad
inputs a citizen may send (a truncated JPEG, a PDF, a renamed text file, a huge PNG, a 60 MB file)."""

from __future__ import annotations

import io
import random
from functools import cache

from PIL import Image, ImageDraw

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def scene(seed: int = 1, size: tuple[int, int] = (1600, 1200)) -> Image.Image:
    """A picture with structure (so that different seeds give different perceptual hashes)."""
    rng = random.Random(seed)
    image = Image.new("RGB", size, (rng.randrange(256), rng.randrange(256), rng.randrange(256)))
    draw = ImageDraw.Draw(image)
    w, h = size
    for _ in range(25):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(w // 8, w // 2), y0 + rng.randrange(h // 8, h // 2)
        colour = (rng.randrange(256), rng.randrange(256), rng.randrange(256))
        if rng.random() < 0.5:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
    return image


def _dms(value: float) -> tuple[float, float, float]:
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = round(((value - degrees) * 60 - minutes) * 60, 4)
    return (float(degrees), float(minutes), seconds)


def jpeg(
    seed: int = 1,
    *,
    size: tuple[int, int] = (1600, 1200),
    gps: tuple[float, float] | None = None,
    orientation: int | None = None,
    quality: int = 90,
) -> bytes:
    image = scene(seed, size)
    exif = Image.Exif()
    exif[0x010F] = "TestCam"  # Make: metadata that must not survive
    if orientation:
        exif[ORIENTATION] = orientation
    if gps:
        lat, lon = gps
        exif.get_ifd(GPS_IFD).update(
            {1: "N" if lat >= 0 else "S", 2: _dms(lat), 3: "E" if lon >= 0 else "W", 4: _dms(lon)}
        )
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def recompressed(data: bytes, *, quality: int = 60, scale: float = 0.6) -> bytes:
    """What a messenger makes of a photo: smaller and more compressed, EXIF dropped."""
    image = Image.open(io.BytesIO(data))
    image = image.resize((int(image.width * scale), int(image.height * scale)))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def truncated_jpeg() -> bytes:
    data = jpeg(7)
    return data[: len(data) // 2]


def pdf() -> bytes:
    out = io.BytesIO()
    scene(3, (200, 200)).save(out, "PDF")
    return out.getvalue()


def text_file() -> bytes:
    return "Это не фото, просто текст, переименованный в photo.jpg\n".encode() * 20


@cache
def huge_png() -> bytes:
    """20000 x 20000 pixels in a small file: a decompression bomb."""
    out = io.BytesIO()
    Image.new("1", (20000, 20000), 1).save(out, "PNG")
    return out.getvalue()


def sixty_megabytes() -> bytes:
    return jpeg(5) + bytes(60 * 1024 * 1024)


def png_with_alpha() -> bytes:
    image = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    ImageDraw.Draw(image).rectangle((50, 50, 350, 250), fill=(200, 30, 30, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
