"""Photo intake with Pillow: check, normalise, hash and store a citizen's photo.

What comes in may be anything (a PDF renamed .jpg, a truncated upload, a decompression bomb), so the
bytes are opened under explicit limits and fully decoded before anything is kept. What is kept is a
JPEG with the EXIF orientation applied, no metadata at all (no GPS, no camera serial), a bounded long
side, a thumbnail, and a 64-bit difference hash (dHash) to find the same dump photographed twice.
Files are named by the SHA-256 of the stored JPEG, so the same photo is stored once. Paths returned
are relative to the media directory.

The dHash is ten lines of Pillow: the `imagehash` package would bring numpy, scipy and PyWavelets
for the same 64 bits.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import tempfile
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from handlers.services import PhotoRejected
from storage.files import private_dir

MAX_BYTES = 20 * 1024 * 1024  # Telegram's download limit for bots; nothing larger is read
MAX_PIXELS = 50_000_000  # 50 MP: larger than any phone photo, far below a decompression bomb
LONG_SIDE = 2000  # 4000x3000 phone photos then decode at 1/2 scale with draft(): 5-10x faster than 2048
THUMB_SIDE = 320
JPEG_QUALITY = 85
# Decoders tried; the JPEG one also opens phones' multi-picture (MPO) JPEGs.
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
GPS_IFD = 0x8825
Image.init()  # register every plugin, so that `formats=` below can name WEBP


@dataclass(frozen=True, slots=True)
class StoredPhoto:
    path: str  # relative to the media directory
    thumb_path: str
    sha256: str
    phash: str  # 16 hex digits
    width: int
    height: int
    gps: tuple[float, float] | None  # (latitude, longitude) from EXIF, before it was stripped

    def to_json(self) -> dict:
        return {
            "path": self.path,
            "thumb_path": self.thumb_path,
            "sha256": self.sha256,
            "phash": self.phash,
            "width": self.width,
            "height": self.height,
            "gps": list(self.gps) if self.gps else None,
        }


AHEAD_KEPT = 64  # photos prepared ahead and not ingested yet (a step that did not want the photo)


class PhotoStore:
    def __init__(self, media_dir: Path) -> None:
        self.media_dir = Path(media_dir)
        self.ingested: list[str] = []  # paths stored: bot/public_copies.py blurs them after the commit
        # Incoming photos decoded before their step (`prepare_ahead`), by the sha256 of the bytes.
        self._ahead: dict[str, Prepared | PhotoRejected] = {}

    async def prepare_ahead(self, data: bytes) -> None:
        """Decode, check and hash an incoming photo before its step's transaction (the engine's
        `media_preparers`): a batch's photos are prepared side by side in threads, never while
        the batch holds the database's write lock. `ingest` then only writes the files."""
        key = hashlib.sha256(data).hexdigest()
        try:
            result: Prepared | PhotoRejected = await asyncio.to_thread(prepare, data)
        except PhotoRejected as exc:
            result = exc
        self._ahead[key] = result
        while len(self._ahead) > AHEAD_KEPT:
            del self._ahead[next(iter(self._ahead))]

    async def ingest(self, data: bytes) -> StoredPhoto:
        """Check, normalise and store; raises PhotoRejected. The decoding runs in a thread so
        that other chats go on while a 12-megapixel JPEG is decoded."""
        ahead = self._ahead.pop(hashlib.sha256(data).hexdigest(), None)
        if isinstance(ahead, PhotoRejected):
            raise ahead
        return await asyncio.to_thread(self.ingest_sync, data, ahead)

    def ingest_sync(self, data: bytes, prepared: Prepared | None = None) -> StoredPhoto:
        prepared = prepared or prepare(data)
        name = prepared.sha256
        path = f"photos/{name[:2]}/{name}.jpg"
        thumb_path = f"thumbs/{name[:2]}/{name}.jpg"
        self._write(path, prepared.jpeg)
        self._write(thumb_path, prepared.thumb)
        self.ingested.append(path)
        return StoredPhoto(
            path, thumb_path, name, prepared.phash, prepared.width, prepared.height, prepared.gps
        )

    @staticmethod
    def hash_distance(a: str, b: str) -> int:
        return hash_distance(a, b)

    def _write(self, relative: str, content: bytes) -> None:
        """Atomic: a reader never sees half a file; an existing file is the same content."""
        target = self.media_dir / relative
        if target.exists():
            return
        private_dir(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")  # created 0600
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


@dataclass(frozen=True, slots=True)
class Prepared:
    jpeg: bytes
    thumb: bytes
    sha256: str
    phash: str
    width: int
    height: int
    gps: tuple[float, float] | None


def prepare(data: bytes) -> Prepared:
    """The pure part of `ingest`: bytes in, normalised JPEG, thumbnail and hashes out."""
    if len(data) > MAX_BYTES:
        raise PhotoRejected("too_large")
    image = _open(data)
    gps = _exif_gps(image)
    width, height = image.size
    scale = LONG_SIDE / max(width, height)
    if scale < 1 and image.format in ("JPEG", "MPO"):
        # Let libjpeg decode at 1/2, 1/4 or 1/8 scale where that still covers the target size.
        image.draft("RGB", (max(1, int(width * scale)), max(1, int(height * scale))))
    try:
        image.load()
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise PhotoRejected("broken") from None
    image = ImageOps.exif_transpose(image)
    image = _to_rgb(image)
    image.thumbnail((LONG_SIDE, LONG_SIDE), Image.Resampling.LANCZOS, reducing_gap=3.0)
    jpeg = _jpeg(image)
    thumb_image = image.copy()
    thumb_image.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    return Prepared(
        jpeg=jpeg,
        thumb=_jpeg(thumb_image),
        sha256=hashlib.sha256(jpeg).hexdigest(),
        phash=dhash(thumb_image),
        width=image.width,
        height=image.height,
        gps=gps,
    )


def _open(data: bytes) -> Image.Image:
    """Open lazily (header only) and refuse what is not a photo or too big to decode safely."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise PhotoRejected("too_many_pixels") from None
        except UnidentifiedImageError:
            raise PhotoRejected("not_image") from None
        except (OSError, SyntaxError, ValueError):
            raise PhotoRejected("broken") from None
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoRejected("broken")
    if width * height > MAX_PIXELS:
        raise PhotoRejected("too_many_pixels")
    return image


def _to_rgb(image: Image.Image) -> Image.Image:
    """JPEG has no transparency: transparent parts become white, not black."""
    if image.mode in ("RGBA", "LA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB") if image.mode != "RGB" else image


def _jpeg(image: Image.Image) -> bytes:
    """Saved with no exif, xmp, icc or comment: nothing of the original file's metadata survives.
    Pillow writes a JPEG comment (and may write other segments) from `image.info`, which copies,
    resizes and `exif_transpose` carry over from the original file: so it is emptied first."""
    image.info = {}
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, exif=b"", icc_profile=None)
    return out.getvalue()


def dhash(image: Image.Image) -> str:
    """Difference hash: 9x8 grey pixels, one bit per horizontal neighbour pair (brighter or not).
    Re-compression, resizing and small crops change a few bits; a different scene about half."""
    small = image.convert("L").resize((9, 8), Image.Resampling.LANCZOS)
    pixels = small.tobytes()  # row-major, 9 bytes per row
    bits = 0
    for row in range(8):
        for col in range(8):
            left, right = pixels[row * 9 + col], pixels[row * 9 + col + 1]
            bits = (bits << 1) | (left > right)
    return f"{bits:016x}"


def hash_distance(a: str, b: str) -> int:
    """How many of the 64 bits differ."""
    return (int(a, 16) ^ int(b, 16)).bit_count()


def _exif_gps(image: Image.Image) -> tuple[float, float] | None:
    """(latitude, longitude) from the EXIF GPS block, or None if absent or nonsensical."""
    try:
        gps = image.getexif().get_ifd(GPS_IFD)
        lat = _degrees(gps[2], gps.get(1, "N"), "S")
        lon = _degrees(gps[4], gps.get(3, "E"), "W")
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError, OSError, SyntaxError):
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None
    return lat, lon


def _degrees(dms, ref, negative: str) -> float:
    degrees, minutes, seconds = (float(x) for x in dms)
    value = degrees + minutes / 60 + seconds / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    return -value if str(ref).strip().upper() == negative else value
