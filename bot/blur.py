"""Faces and number plates found and blurred for good, offline on the CPU: the public copy of a photo.

Detection uses OpenCV's Haar cascades (shipped in bot/blur_models with their licence, no network at
run time): frontal and profile (both ways) faces, and the plate model trained on the Russian/Soviet
layout that also fits Kazakhstan's plates. The photo is searched at 1,000-1,200 px on its long side,
where a face of 40 px and a plate of 80 px of a 1,600 px photo are still larger than the models'
windows. Photos are upright by then (bot/photos.py applies the EXIF orientation first).

A found box is widened, then pixelated into coarse blocks and blurred over: the few averages left
cannot be turned back into a face or a number. "Blur more" adds boxes, or blurs the whole photo.
"""

from __future__ import annotations

import asyncio
import io
import os
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from PIL import Image, ImageFilter

from storage.files import private_dir
from storage.public_photos import public_path_for

if TYPE_CHECKING:
    from bot.blur_detector import Box, Detector

MARGIN = 0.2  # each side of a box widened by this share of its size
BLOCKS = 6  # a face or plate becomes at most this many blocks across
JPEG_QUALITY = 85


def blur(image: Image.Image, boxes: list[Box], *, whole: bool = False) -> Image.Image:
    """A copy with every box (widened) pixelated and blurred; all of it when `whole`."""
    out = image.convert("RGB").copy()
    if whole:
        return _obliterate(out, max(out.size) // 40)
    for box in boxes:
        mx, my = int(box.w * MARGIN), int(box.h * MARGIN)
        left, top = max(0, box.x - mx), max(0, box.y - my)
        right, bottom = min(out.width, box.x + box.w + mx), min(out.height, box.y + box.h + my)
        if right - left < 2 or bottom - top < 2:
            continue
        region = out.crop((left, top, right, bottom))
        block = max(4, max(region.size) // BLOCKS)
        out.paste(_obliterate(region, block), (left, top))
    return out


def _obliterate(region: Image.Image, block: int) -> Image.Image:
    """Coarse blocks (each the average of its pixels), then a blur over the block edges."""
    small = region.resize((max(1, region.width // block), max(1, region.height // block)), Image.Resampling.BOX)
    coarse = small.resize(region.size, Image.Resampling.NEAREST)
    return coarse.filter(ImageFilter.GaussianBlur(block / 2))


def public_jpeg(original: bytes, detector: Detector, extra: list[Box] = (), *, whole: bool = False) -> tuple[bytes, list[Box]]:
    """The public copy of a stored (already normalised, metadata-free) JPEG and the boxes found."""
    image = Image.open(io.BytesIO(original))
    image.load()
    image = image.convert("RGB")
    found = detector.detect(image)
    blurred = blur(image, [*found, *extra], whole=whole)
    blurred.info = {}
    out = io.BytesIO()
    blurred.save(out, "JPEG", quality=JPEG_QUALITY, exif=b"", icc_profile=None)
    return out.getvalue(), found


BLUR_NICENESS = 10  # public copies can wait; a conversation's next answer cannot


def _lower_priority() -> None:
    """The blur thread (and the OpenCV workers it starts) yields the CPU to the conversations:
    on Linux a thread has its own nice value. Elsewhere it simply runs at the same priority."""
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BLUR_NICENESS)
    except (AttributeError, OSError):
        pass


class PhotoBlur:
    """The BLUR service (handlers.services.BlurService): makes the public copy of a stored photo
    under MEDIA_DIR/public/, replacing an older one atomically (a reader never sees half a file)."""

    def __init__(self, media_dir: Path, detector: Detector | None = None) -> None:
        self.media_dir = Path(media_dir)
        self._detector = detector
        # The detector does one photo at a time: its queue waits in this thread of its own, not in
        # the threads steps share (photo decoding), which a crowd's photos would otherwise fill.
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="blur", initializer=_lower_priority)

    @property
    def detector(self) -> Detector:
        if self._detector is None:  # loaded on first use, OpenCV with it (bot.blur_detector)
            from bot.blur_detector import Detector

            self._detector = Detector()
        return self._detector

    async def make(self, original_path: str, extra: list[list] = (), *, whole: bool = False) -> tuple[str, list[list]]:
        """(public path, boxes found as [kind, x, y, w, h]); the work runs in a thread."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._thread, self.make_sync, original_path, list(extra), whole)

    def make_sync(self, original_path: str, extra: list[list], whole: bool) -> tuple[str, list[list]]:
        from bot.blur_detector import Box

        original = (self.media_dir / original_path).read_bytes()
        jpeg, found = public_jpeg(original, self.detector, [Box.from_json(b) for b in extra], whole=whole)
        public_path = public_path_for(original_path)
        target = self.media_dir / public_path
        private_dir(target.parent)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(jpeg)
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return public_path, [box.to_json() for box in found]
