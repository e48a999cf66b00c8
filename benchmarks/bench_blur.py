"""The public copy of a 1,600 px photo (faces and number plates found and blurred, bot/blur.py) next
to the bare detector: OpenCV's frontal face cascade with its default settings on the same photo.
Also prints recall and precision on the labelled test set (tests/blur/dataset.py). On 2 threads.
Wall-clock medians, and the CPU time (both threads) beside them: on a machine shared with other
work the wall clock swells, the CPU time and the ratio to the bare detector much less.

    python benchmarks/bench_blur.py
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from bot.blur import public_jpeg  # noqa: E402
from bot.blur_detector import MODELS, Detector  # noqa: E402
from tests.blur.dataset import _backgrounds, build, score, turned  # noqa: E402

PHOTOS = 40


def main() -> None:
    cv2.setNumThreads(2)
    samples = build(PHOTOS)
    jpegs = []
    for sample in samples:
        out = io.BytesIO()
        sample.image.save(out, "JPEG", quality=85)
        jpegs.append(out.getvalue())
    detector = Detector()
    bare = cv2.CascadeClassifier(str(MODELS / "haarcascade_frontalface_alt2.xml"))
    greys = [np.asarray(s.image.convert("L")) for s in samples]

    def each(fn, items) -> tuple[float, float]:
        wall, cpu = [], []
        for item in items:
            start, start_cpu = time.perf_counter(), time.process_time()
            fn(item)
            wall.append(time.perf_counter() - start)
            cpu.append(time.process_time() - start_cpu)
        return statistics.median(wall) * 1000, statistics.median(cpu) * 1000

    detector.detect(samples[0].image)  # the network's first run sets it up: not a photo's time
    bare_ms, bare_cpu = each(lambda grey: bare.detectMultiScale(grey), greys)
    detect_ms, detect_cpu = each(detector.detect, [s.image for s in samples])
    public_ms, public_cpu = each(lambda data: public_jpeg(data, detector), jpegs)
    empty = _backgrounds()  # no face: the quarter-turned search runs too (as on most dump photos)
    empty_ms, empty_cpu = each(detector.detect, empty)
    print(f"{PHOTOS} photos of 1600x1200, median per photo, cv2 threads: {cv2.getNumThreads()}")
    print(f"bare detector (frontal face cascade, OpenCV defaults, full size): {bare_ms:7.1f} ms (CPU {bare_cpu:6.1f})")
    print(
        f"our detection (face network, small-face cascade, plates):        {detect_ms:7.1f} ms (CPU {detect_cpu:6.1f})"
        f"  {detect_ms / bare_ms:.2f}x bare (CPU {detect_cpu / bare_cpu:.2f}x)"
    )
    print(
        f"public copy (decode, detect, blur, encode JPEG):                  {public_ms:7.1f} ms (CPU {public_cpu:6.1f})"
        f"  {public_ms / bare_ms:.2f}x bare (CPU {public_cpu / bare_cpu:.2f}x)"
    )
    print(
        f"detection on a photo with no face (turned search too):            {empty_ms:7.1f} ms (CPU {empty_cpu:6.1f})"
        f"  {empty_ms / bare_ms:.2f}x bare (CPU {empty_cpu / bare_cpu:.2f}x)"
    )
    scores = score(samples, lambda image: [(b.x, b.y, b.w, b.h) for b in detector.detect(image)])
    for kind in ("face", "plate"):
        print(f"recall {kind}s: {scores.found[kind]}/{scores.wanted[kind]} = {scores.recall(kind):.2f}")
    print(f"precision: {scores.right}/{scores.detections} = {scores.precision:.2f}")
    sideways = [turned(sample, 1 + index % 2) for index, sample in enumerate(samples)]
    scores = score(sideways, lambda image: [(b.x, b.y, b.w, b.h) for b in detector.detect(image)])
    print(f"recall faces, photos turned a quarter (no EXIF tag): {scores.found['face']}/{scores.wanted['face']} = {scores.recall('face'):.2f}")


if __name__ == "__main__":
    main()
