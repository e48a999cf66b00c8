"""A labelled test set for the face and number-plate blur, built offline and deterministically.

Faces come from the sample images scikit-image ships (its LFW subset: 100 face crops, and the
astronaut photo); number plates are drawn with a free font (DejaVu Sans Bold, shipped in bot/fonts)
in Kazakhstan's current format ("123 ABC 02", the flag and "KZ" on the left) and in the Soviet
styles still seen on old cars (white "а 1234 АА" of 1980, black "12-34 АБВ" of 1959). Each photo is
1600x1200, a sample scene as background, with a few faces and plates pasted at known boxes.

Only faces at least 40 px tall and plates at least 80 px wide are labelled as ones the blur must
find (`must`); smaller ones are pasted too but only count when found (not as misses).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont
from skimage import data as samples

SIZE = (1600, 1200)
FONT = Path(__file__).resolve().parents[2] / "bot" / "fonts" / "DejaVuSans-Bold.ttf"
MIN_FACE, MIN_PLATE = 40, 80
KZ_LETTERS = "ABCDEHKMOPTXY"  # Latin letters that read the same in Cyrillic, as on KZ plates
SU_LETTERS = "АБВГДЕЖКЛМНОПРСТУХ"


@dataclass(frozen=True)
class Labelled:
    kind: str  # "face" or "plate"
    box: tuple[int, int, int, int]  # x, y, w, h in pixels

    @property
    def must(self) -> bool:
        return self.box[3] >= MIN_FACE if self.kind == "face" else self.box[2] >= MIN_PLATE


@dataclass(frozen=True)
class Sample:
    image: Image.Image
    labels: tuple[Labelled, ...]


def _backgrounds() -> list[Image.Image]:
    names = ("coffee", "rocket", "chelsea", "hubble_deep_field", "brick", "grass", "gravel", "horse", "coins")
    out = []
    for name in names:
        array = getattr(samples, name)()
        image = Image.fromarray(array if array.dtype == np.uint8 else (array * 255).astype(np.uint8)).convert("RGB")
        out.append(image.resize(SIZE, Image.Resampling.BICUBIC))
    return out


def _faces() -> list[Image.Image]:
    """The 100 face crops of the LFW subset (25x25 grey), slightly widened so that the cheeks and
    forehead around the crop are not a hard edge."""
    crops = samples.lfw_subset()[:100]
    return [Image.fromarray((crop * 255).astype(np.uint8)).convert("RGB") for crop in crops]


def kz_plate(rng: random.Random) -> Image.Image:
    """Kazakhstan's plate since 2012: "123 ABC 02", flag and KZ on the left, region at the right."""
    w, h = 520, 112
    plate = Image.new("RGB", (w, h), "white")
    draw = ImageDraw.Draw(plate)
    draw.rounded_rectangle((1, 1, w - 2, h - 2), radius=10, outline="black", width=5)
    draw.rectangle((12, 14, 72, 54), fill=(0, 175, 202))  # the flag
    draw.ellipse((32, 22, 52, 42), fill=(254, 197, 0))
    small = ImageFont.truetype(str(FONT), 30)
    draw.text((18, 60), "KZ", font=small, fill=(0, 140, 170))
    font = ImageFont.truetype(str(FONT), 82)
    number = f"{rng.randint(0, 999):03d} {''.join(rng.choice(KZ_LETTERS) for _ in range(3))}"
    draw.text((88, 10), number, font=font, fill="black")
    draw.line((430, 8, 430, h - 8), fill="black", width=4)
    draw.text((440, 10), f"{rng.randint(1, 20):02d}", font=font, fill="black")
    return plate


def soviet_plate(rng: random.Random) -> Image.Image:
    """The USSR plate of 1980 ("а 1234 АА", black on white) or of 1959 ("12-34 АБВ", white on black)."""
    w, h = 465, 112
    old = rng.random() < 0.4
    background, ink = ("black", "white") if old else ("white", "black")
    plate = Image.new("RGB", (w, h), background)
    draw = ImageDraw.Draw(plate)
    draw.rectangle((1, 1, w - 2, h - 2), outline=ink, width=5)
    font = ImageFont.truetype(str(FONT), 76)
    if old:
        text = f"{rng.randint(0, 99):02d}-{rng.randint(0, 99):02d} {''.join(rng.choice(SU_LETTERS) for _ in range(3))}"
    else:
        text = f"{rng.choice(SU_LETTERS).lower()} {rng.randint(0, 9999):04d} {''.join(rng.choice(SU_LETTERS) for _ in range(2))}"
    draw.text((18, 14), text, font=font, fill=ink)
    return plate


def _car(plate: Image.Image, rng: random.Random) -> Image.Image:
    """The plate on a patch of car body: a plate never floats on grass."""
    body = tuple(rng.randint(20, 200) for _ in range(3))
    car = Image.new("RGB", (int(plate.width * 1.8), int(plate.height * 3)), body)
    car.paste(plate, ((car.width - plate.width) // 2, car.height - plate.height - plate.height // 2))
    return car


def build(count: int = 40, seed: int = 20) -> list[Sample]:
    rng = random.Random(seed)
    backgrounds, faces = _backgrounds(), _faces()
    astronaut = Image.fromarray(samples.astronaut())
    out = []
    for index in range(count):
        image = backgrounds[index % len(backgrounds)].copy()
        labels: list[Labelled] = []
        taken: list[tuple[int, int, int, int]] = []

        def place(w: int, h: int) -> tuple[int, int] | None:
            for _ in range(50):
                x, y = rng.randint(0, SIZE[0] - w), rng.randint(0, SIZE[1] - h)
                if all(x + w < a or a + c < x or y + h < b or b + d < y for a, b, c, d in taken):
                    taken.append((x - 10, y - 10, w + 20, h + 20))
                    return x, y
            return None

        if index % 5 == 0:  # the astronaut's portrait: a face in a real photo, with shoulders
            side = rng.randint(260, 520)
            spot = place(side, side)
            if spot:
                image.paste(astronaut.resize((side, side), Image.Resampling.LANCZOS), spot)
                s = side / 512  # the face in astronaut.png: x 165-265, y 40-160 (measured)
                labels.append(Labelled("face", (spot[0] + int(165 * s), spot[1] + int(40 * s), int(100 * s), int(120 * s))))
        for _ in range(rng.randint(1, 3)):
            face = faces[rng.randrange(len(faces))]
            side = rng.choice((rng.randint(30, 60), rng.randint(40, 180)))
            spot = place(side, side)
            if spot:
                image.paste(face.resize((side, side), Image.Resampling.BICUBIC), spot)
                labels.append(Labelled("face", (*spot, side, side)))
        for _ in range(rng.randint(1, 2)):
            plate = kz_plate(rng) if rng.random() < 0.6 else soviet_plate(rng)
            width = rng.choice((rng.randint(60, 100), rng.randint(80, 320)))
            plate = plate.resize((width, round(plate.height * width / plate.width)), Image.Resampling.LANCZOS)
            car = _car(plate, rng)
            spot = place(car.width, car.height)
            if spot:
                image.paste(car, spot)
                px = spot[0] + (car.width - plate.width) // 2
                py = spot[1] + car.height - plate.height - plate.height // 2
                labels.append(Labelled("plate", (px, py, plate.width, plate.height)))
        image = image.filter(ImageFilter.GaussianBlur(0.6))  # a camera's softness, not pasted edges
        out.append(Sample(image, tuple(labels)))
    return out


def overlap(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over the labelled box's area: a detection that covers most of it counts."""
    ax, ay, aw, ah = a
    bx, by, bw, bh = b
    w = max(0, min(ax + aw, bx + bw) - max(ax, bx))
    h = max(0, min(ay + ah, by + bh) - max(ay, by))
    return w * h / (aw * ah)


@dataclass(frozen=True)
class Scores:
    found: dict[str, int]  # labelled boxes that must be found, and were
    wanted: dict[str, int]  # labelled boxes that must be found
    detections: int
    right: int  # detections on a labelled face or plate (of any size)

    def recall(self, kind: str) -> float:
        return self.found[kind] / self.wanted[kind]

    @property
    def precision(self) -> float:
        return self.right / self.detections if self.detections else 1.0


def score(samples: list[Sample], boxes_of) -> Scores:
    """A labelled box counts as found when the blurred area (the detection widened by the blur's
    margin) covers at least half of it; a detection is right when it overlaps a labelled box."""
    from bot.blur import MARGIN

    found = {"face": 0, "plate": 0}
    wanted = {"face": 0, "plate": 0}
    detections = right = 0
    for sample in samples:
        boxes = [_widened(box, MARGIN) for box in boxes_of(sample.image)]
        for label in sample.labels:
            if label.must:
                wanted[label.kind] += 1
                found[label.kind] += any(overlap(label.box, box) >= 0.5 for box in boxes)
        detections += len(boxes)
        right += sum(any(overlap(box, label.box) > 0.2 or overlap(label.box, box) >= 0.5 for label in sample.labels) for box in boxes)
    return Scores(found, wanted, detections, right)


def _widened(box, margin: float) -> tuple[int, int, int, int]:
    x, y, w, h = box
    mx, my = int(w * margin), int(h * margin)
    return x - mx, y - my, w + 2 * mx, h + 2 * my


def turned(sample: Sample, quarters: int) -> Sample:
    """The sample as a camera without an orientation tag leaves it: turned a quarter to the left
    (1) or to the right (3), its labels with it."""
    width, height = sample.image.size
    if quarters == 1:
        image = sample.image.transpose(Image.Transpose.ROTATE_90)
        labels = (Labelled(l.kind, (l.box[1], width - l.box[0] - l.box[2], l.box[3], l.box[2])) for l in sample.labels)
    else:
        image = sample.image.transpose(Image.Transpose.ROTATE_270)
        labels = (Labelled(l.kind, (height - l.box[1] - l.box[3], l.box[0], l.box[3], l.box[2])) for l in sample.labels)
    return Sample(image, tuple(label for label in labels if label.kind == "face"))
