"""How well the blur finds faces and number plates on the labelled test set (tests/blur/dataset.py):
faces at least 40 px tall and plates at least 80 px wide, in 1,600 px photos.

The issue asks for a recall of 0.9. OpenCV's Haar cascades, the detector that a registry package
ships with its model, reach about 0.8 here (figures in benchmarks/bench_blur.py): this test keeps
them from getting worse, and says in its name that the goal is not reached yet."""

from __future__ import annotations

from bot.blur_detector import Detector
from tests.blur.dataset import build, score

FLOOR = 0.75  # what the cascades reach today, with a little room; the goal is 0.9


def test_recall_floor_below_the_goal_of_0_9() -> None:
    detector = Detector()
    scores = score(build(40), lambda image: [(b.x, b.y, b.w, b.h) for b in detector.detect(image)])
    assert scores.wanted["face"] >= 50 and scores.wanted["plate"] >= 30
    assert scores.recall("face") >= FLOOR, scores
    assert scores.recall("plate") >= FLOOR, scores
    assert scores.precision >= 0.5, scores
