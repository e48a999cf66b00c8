"""Finding faces and number plates with OpenCV's Haar cascades (shipped in bot/blur_models with
their licence). Its own module so that OpenCV (a quarter of a second to import) is loaded only by
the process that first blurs a photo, not by every start of the bot or the CLI."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

MODELS = Path(__file__).resolve().parent / "blur_models"
FACE_SIDE = 1000  # long side the face cascades see: a 40 px face of a 1,600 px photo is 25 px there
PROFILE_SIDE = 800  # faces in profile, searched coarser: the profile model is the slowest
PLATE_SIDE = 1200  # and the plate cascade: an 80 px plate is 60 px there, its window 40x13


@dataclass(frozen=True, slots=True)
class Box:
    kind: str  # "face", "plate" or "manual"
    x: int
    y: int
    w: int
    h: int

    def to_json(self) -> list:
        return [self.kind, self.x, self.y, self.w, self.h]

    @classmethod
    def from_json(cls, value: list) -> Box:
        kind, x, y, w, h = value
        return cls(str(kind), int(x), int(y), int(w), int(h))


class Detector:
    """The cascades, loaded once (a few milliseconds each)."""

    def __init__(self) -> None:
        self.frontal = _cascade("haarcascade_frontalface_alt2.xml")
        self.profile = _cascade("haarcascade_profileface.xml")
        self.plate = _cascade("haarcascade_russian_plate_number.xml")

    def detect(self, image: Image.Image) -> list[Box]:
        """Boxes of faces and plates, in the pixels of `image`."""
        grey = np.asarray(image.convert("L"))
        return [*self.faces(grey), *self.plates(grey)]

    def faces(self, grey: np.ndarray) -> list[Box]:
        small, scale = _scaled(grey, FACE_SIDE)
        faces = _boxes("face", _run(self.frontal, small, (24, 24), 2, 1.15), scale)
        small, scale = _scaled(grey, PROFILE_SIDE)
        found = _run(self.profile, small, (20, 20), 3, 1.2)
        width = small.shape[1]
        found += [(width - x - w, y, w, h) for x, y, w, h in _run(self.profile, cv2.flip(small, 1), (20, 20), 3, 1.2)]
        return faces + _boxes("face", found, scale)

    def plates(self, grey: np.ndarray) -> list[Box]:
        small, scale = _scaled(grey, PLATE_SIDE)
        found = _run(self.plate, small, (40, 13), 1, 1.1)
        # The negative too: white-on-black Soviet plates, and light plates the model misses on a
        # light car (it finds about two thirds of its misses there).
        found += _run(self.plate, cv2.bitwise_not(small), (40, 13), 1, 1.1)
        return _boxes("plate", found, scale)


def _scaled(grey: np.ndarray, side: int) -> tuple[np.ndarray, float]:
    scale = min(1.0, side / max(grey.shape))
    if scale < 1:
        grey = cv2.resize(grey, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    return cv2.equalizeHist(grey), scale


def _boxes(kind: str, found: list[tuple[int, int, int, int]], scale: float) -> list[Box]:
    return [Box(kind, round(x / scale), round(y / scale), round(w / scale), round(h / scale)) for x, y, w, h in found]


def _cascade(name: str) -> cv2.CascadeClassifier:
    cascade = cv2.CascadeClassifier(str(MODELS / name))
    if cascade.empty():
        raise RuntimeError(f"blur model {name} could not be loaded")
    return cascade


def _run(
    cascade: cv2.CascadeClassifier, grey: np.ndarray, min_size: tuple[int, int], neighbours: int, step: float
) -> list[tuple[int, int, int, int]]:
    found = cascade.detectMultiScale(grey, scaleFactor=step, minNeighbors=neighbours, minSize=min_size)
    return [tuple(int(v) for v in box) for box in found]
