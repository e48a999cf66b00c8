"""Ingesting a 12-megapixel JPEG through bot/photos.py, next to what Pillow alone needs to decode
it with draft() and save it at the same target size. Prints times and the ratio.

    python benchmarks/bench_photo_ingest.py
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PIL import Image  # noqa: E402

from bot.photos import JPEG_QUALITY, LONG_SIDE, PhotoStore  # noqa: E402
from tests.support.images import jpeg  # noqa: E402

ROUNDS = 7


def pillow_alone(data: bytes) -> bytes:
    image = Image.open(io.BytesIO(data))
    w, h = image.size
    scale = LONG_SIDE / max(w, h)
    image.draft("RGB", (int(w * scale), int(h * scale)))
    image.thumbnail((LONG_SIDE, LONG_SIDE))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY)
    return out.getvalue()


def timed(fn, rounds: int = ROUNDS) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    data = jpeg(1, size=(4000, 3000), gps=(51.13, 71.43), orientation=6, quality=92)
    print(f"input: 4000x3000 JPEG (12 MP), {len(data) / 1e6:.1f} MB, EXIF GPS + orientation")
    with tempfile.TemporaryDirectory() as tmp:
        store = PhotoStore(Path(tmp))
        # A fresh directory per round would measure mkdir; the file write is skipped when the
        # same content exists, so remove it to measure the whole pipeline each time.
        def ingest() -> None:
            for f in Path(tmp).rglob("*.jpg"):
                f.unlink()
            store.ingest_sync(data)

        ours = timed(ingest)
    alone = timed(lambda: pillow_alone(data))
    print(f"Pillow alone (open, draft, thumbnail to {LONG_SIDE}, save): {alone * 1000:8.1f} ms")
    print(f"bot/photos.py ingest (checks, EXIF, transpose, resize, thumbnail, dHash, sha256, write): {ours * 1000:8.1f} ms")
    print(f"ratio ingest / Pillow alone: {ours / alone:.2f}x")


if __name__ == "__main__":
    main()
