"""Finding faces and number plates, offline on the CPU with OpenCV (models in bot/blur_models with
their licences). Its own module so that OpenCV (a quarter of a second to import) is loaded only by
the process that first blurs a photo, not by every start of the bot or the CLI.

Faces: CenterFace (a small convolutional network, MIT, run with cv2.dnn) at 800 px finds faces from
about 50 px of a 1,600 px photo up, frontal or turned; the Haar frontal cascade at the same scale,
limited to small windows, adds the 40-60 px ones the network misses there (the network would need
the full size for them, four times the time). Plates: plate-like shapes are found first (a row of
strong edges, 2-8 times as wide as high), then the Haar plate cascade trained on the Russian/Soviet
layout, which Kazakhstan's plates share, checks each at 1,200 px, on the image and its negative
(white-on-black Soviet plates, light plates on a light car)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

MODELS = Path(__file__).resolve().parent / "blur_models"
NET_SIDE = 800  # long side the face network sees
TURNED_SIDE = 640  # and the photo turned a quarter, when no upright face was found
NET_THRESHOLD = 0.25  # a face's score on the network's heat map (low: a blurred wall costs little)
SMALL_FACE_SIDE = 800  # long side the small-face cascade sees: a 40 px face is 20 px, its window
SMALL_FACE_MAX = 32  # px at that scale (64 in the photo): larger faces are the network's
PLATE_SIDE = 1200  # and the plate search: an 80 px plate is 60 px there, the cascade's window 40x13
PLATE_MIN = (40, 13)
PLATE_STEP = 1.1  # scale factor between the plate cascade's window sizes
NETS_KEPT = 4  # cv2.dnn fixes a network's input shape: one per photo shape (landscape, portrait…)


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
    """The models, loaded once. One photo at a time (a lock): neither cv2.dnn networks nor
    cascades may be shared by threads, and two photos at once would not be faster on 2 cores."""

    def __init__(self) -> None:
        self.frontal = _cascade("haarcascade_frontalface_alt2.xml")
        self.plate = _cascade("haarcascade_russian_plate_number.xml")
        self._onnx = (MODELS / "centerface.onnx").read_bytes()
        self._nets: OrderedDict[tuple[int, int], cv2.dnn.Net] = OrderedDict()
        self._lock = threading.Lock()

    def detect(self, image: Image.Image) -> list[Box]:
        """Boxes of faces and plates, in the pixels of `image`."""
        rgb = np.asarray(image.convert("RGB"))
        grey = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
        with self._lock:
            return [*self.faces(rgb, grey), *self.plates(grey)]

    def faces(self, rgb: np.ndarray, grey: np.ndarray) -> list[Box]:
        small, scale = _scaled(grey, SMALL_FACE_SIDE)
        found = _run(self.frontal, small, (20, 20), 2, 1.1, (SMALL_FACE_MAX, SMALL_FACE_MAX))
        faces = self._net_faces(rgb, NET_SIDE) + _boxes("face", found, scale)
        return faces or self._turned_faces(rgb)

    def _turned_faces(self, rgb: np.ndarray) -> list[Box]:
        """Only where needed: a photo with no upright face may be one the EXIF fix could not right
        (no orientation tag, taken sideways). The network looks at it turned a quarter each way,
        coarser (faces from about 80 px), and its boxes are turned back."""
        height, width = rgb.shape[:2]
        left = self._net_faces(cv2.rotate(rgb, cv2.ROTATE_90_COUNTERCLOCKWISE), TURNED_SIDE)
        right = self._net_faces(cv2.rotate(rgb, cv2.ROTATE_90_CLOCKWISE), TURNED_SIDE)
        return [Box("face", width - b.y - b.h, b.x, b.h, b.w) for b in left] + [
            Box("face", b.y, height - b.x - b.w, b.h, b.w) for b in right
        ]

    def plates(self, grey: np.ndarray) -> list[Box]:
        """The plate cascade, on both polarities, only around plate-like shapes (`_plate_shapes`):
        a fifth of the time of searching the whole photo twice, and as many plates found."""
        small, scale = _scaled(grey, PLATE_SIDE)
        height, width = small.shape
        found = []
        for x, y, w, h in _plate_shapes(small):
            px, py = int(w * 0.3) + 4, int(h * 0.8) + 4
            left, top = max(0, x - px), max(0, y - py)
            region = small[top : min(height, y + h + py), left : min(width, x + w + px)]
            for image in (region, cv2.bitwise_not(region)):  # dark on light, and Soviet light on dark
                found += [(left + a, top + b, c, d) for a, b, c, d in _run(self.plate, image, PLATE_MIN, 1, PLATE_STEP)]
        return _boxes("plate", found, scale)

    def _net_faces(self, rgb: np.ndarray, side: int) -> list[Box]:
        """CenterFace: a heat map of face centres (stride 4) with each one's size and offset."""
        height, width = rgb.shape[:2]
        scale = side / max(height, width)
        w, h = _multiple(width * scale, 32), _multiple(height * scale, 32)
        net = self._net((w, h))
        net.setInput(cv2.dnn.blobFromImage(rgb, 1.0, (w, h), (0, 0, 0), swapRB=False))
        heat, sizes, offsets, _landmarks = net.forward(["537", "538", "539", "540"])
        ys, xs = np.nonzero(heat[0, 0] > NET_THRESHOLD)
        if not len(ys):
            return []
        box_h = np.exp(sizes[0, 0, ys, xs]) * 4
        box_w = np.exp(sizes[0, 1, ys, xs]) * 4
        cy = (ys + offsets[0, 0, ys, xs] + 0.5) * 4
        cx = (xs + offsets[0, 1, ys, xs] + 0.5) * 4
        fx, fy = width / w, height / h
        boxes = [
            [int((x - bw / 2) * fx), int((y - bh / 2) * fy), int(bw * fx), int(bh * fy)]
            for x, y, bw, bh in zip(cx, cy, box_w, box_h)
        ]
        keep = cv2.dnn.NMSBoxes(boxes, heat[0, 0, ys, xs].astype(float).tolist(), NET_THRESHOLD, 0.3)
        return [Box("face", *boxes[i]) for i in np.asarray(keep, dtype=int).flatten()]

    def _net(self, shape: tuple[int, int]) -> cv2.dnn.Net:
        net = self._nets.pop(shape, None)
        if net is None:
            net = cv2.dnn.readNetFromONNX(np.frombuffer(self._onnx, np.uint8))
        self._nets[shape] = net
        while len(self._nets) > NETS_KEPT:
            self._nets.popitem(last=False)
        return net


def _plate_shapes(grey: np.ndarray) -> list[tuple[int, int, int, int]]:
    """Boxes of plate-like shapes: a row of strong edges (the characters, the rim) that a closing
    along the row joins into a wide short block, 2 to 8 times as wide as high."""
    edges = cv2.morphologyEx(grey, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8))
    _, strong = cv2.threshold(edges, 0, 255, cv2.THRESH_BINARY | cv2.THRESH_OTSU)
    joined = cv2.morphologyEx(strong, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (13, 3)))
    contours, _ = cv2.findContours(joined, cv2.RETR_LIST, cv2.CHAIN_APPROX_SIMPLE)
    boxes = (cv2.boundingRect(contour) for contour in contours)
    return [(x, y, w, h) for x, y, w, h in boxes if w >= PLATE_MIN[0] and h >= 10 and 2 <= w / h <= 8]


def _multiple(value: float, of: int) -> int:
    return max(of, int(np.ceil(value / of)) * of)


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
    cascade: cv2.CascadeClassifier,
    grey: np.ndarray,
    min_size: tuple[int, int],
    neighbours: int,
    step: float,
    max_size: tuple[int, int] = (0, 0),
) -> list[tuple[int, int, int, int]]:
    found = cascade.detectMultiScale(grey, scaleFactor=step, minNeighbors=neighbours, minSize=min_size, maxSize=max_size)
    return [tuple(int(v) for v in box) for box in found]
