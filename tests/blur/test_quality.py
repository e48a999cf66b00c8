"""How well the blur finds faces and number plates on the labelled test set (tests/blur/dataset.py):
faces at least 40 px tall and plates at least 80 px wide, in 1,600 px photos (upright, as the EXIF
fix leaves them). The issue asks for a recall of 0.9 for each; precision is reported by
benchmarks/bench_blur.py (a blurred patch of wall costs little)."""

from __future__ import annotations

from bot.blur_detector import Detector
from tests.blur.dataset import build, score, turned

GOAL = 0.9


def test_recall_of_faces_and_plates_reaches_0_9() -> None:
    detector = Detector()
    scores = score(build(30), lambda image: [(b.x, b.y, b.w, b.h) for b in detector.detect(image)])
    assert scores.wanted["face"] >= 50 and scores.wanted["plate"] >= 30
    assert scores.recall("face") >= GOAL, scores
    assert scores.recall("plate") >= GOAL, scores
    assert scores.precision >= 0.7, scores


def test_a_face_in_a_photo_turned_a_quarter_is_found_where_it_is() -> None:
    """A camera that wrote no orientation tag leaves the photo sideways: the face is still found,
    its box turned back onto the photo as it is (the benchmark gives the recall of such photos)."""
    detector = Detector()
    portrait = build(5)[4]  # one face of 133 px
    for quarters in (1, 3):
        sample = turned(portrait, quarters)
        scores = score([sample], lambda image: [(b.x, b.y, b.w, b.h) for b in detector.detect(image)])
        assert scores.found["face"] == scores.wanted["face"] == 1, (quarters, scores)
