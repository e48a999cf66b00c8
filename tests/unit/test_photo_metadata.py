"""Point 7 of issue 17: nothing of the original file's metadata survives in the stored photo or
its thumbnail: EXIF (GPS, camera owner), XMP, ICC profiles, JPEG comments, PNG and WebP text."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from bot.photos import prepare
from tests.support.images import scene

JFIF_ONLY = {"jfif", "jfif_version", "jfif_unit", "jfif_density", "dpi", "progressive", "progression"}
SECRET = "Aigerim Call me at +7 701 555 0199"


def _save(image: Image.Image, fmt: str, **params: object) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **params)
    return out.getvalue()


def _exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x013B] = SECRET  # Artist
    exif[0x010E] = SECRET  # ImageDescription
    exif.get_ifd(0x8825).update({1: "N", 2: (43.0, 15.0, 0.0), 3: "E", 4: (76.0, 57.0, 0.0)})
    return exif


def _xmp() -> bytes:
    return (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
        f'syntax-ns#"><rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/" dc:creator="{SECRET}"/>'
        "</rdf:RDF></x:xmpmeta>"
    ).encode()


def _icc() -> bytes:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _png_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET)
    info.add_itxt("Author", SECRET)
    info.add_text("Description", SECRET, zip=True)
    return _save(scene(3, (800, 600)), "PNG", pnginfo=info)


SAMPLES = {
    "jpeg comment": lambda: _save(scene(1, (800, 600)), "JPEG", comment=SECRET.encode()),
    "jpeg exif": lambda: _save(scene(1, (800, 600)), "JPEG", exif=_exif()),
    "jpeg xmp": lambda: _save(scene(1, (800, 600)), "JPEG", xmp=_xmp()),
    "jpeg icc": lambda: _save(scene(1, (800, 600)), "JPEG", icc_profile=_icc()),
    "png text": _png_text,
    "png exif": lambda: _save(scene(3, (800, 600)), "PNG", exif=_exif()),
    "webp exif and xmp": lambda: _save(scene(4, (800, 600)), "WEBP", exif=_exif(), xmp=_xmp()),
}


@pytest.mark.parametrize("kind", list(SAMPLES))
def test_no_metadata_survives(kind: str) -> None:
    original = SAMPLES[kind]()
    prepared = prepare(original)
    for stored in (prepared.jpeg, prepared.thumb):
        assert SECRET.encode() not in stored
        image = Image.open(io.BytesIO(stored))
        assert set(image.info) <= JFIF_ONLY, f"{kind}: {set(image.info) - JFIF_ONLY}"
        assert not image.getexif()
        assert [marker for marker, _ in image.applist] == ["APP0"]  # JFIF, nothing else
