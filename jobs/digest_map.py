"""A region's outline with its open reports as dots, drawn with Pillow from the region polygons
(the geodata folder the composition root passes in): no tile server. Equirectangular projection scaled by cos(latitude), which keeps a
region's shape right at Kazakhstan's latitudes."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from PIL import Image, ImageDraw
from shapely.geometry import MultiPolygon, Polygon, shape
from shapely.geometry.base import BaseGeometry

WIDTH, HEIGHT, MARGIN = 800, 600, 30
BACKGROUND = (255, 255, 255)
LAND = (232, 241, 228)
BORDER = (60, 90, 60)
DOT = (220, 30, 30)
DOT_RADIUS = 5


@cache
def region_shapes(geodata_dir: Path) -> dict[str, BaseGeometry]:
    """Each region's outline by its ISO code, read once per folder."""
    with (geodata_dir / "kz_regions.geojson").open(encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    return {f["properties"]["iso_code"]: shape(f["geometry"]) for f in features}


class Projection:
    """(longitude, latitude) -> pixel, fitting `bounds` into the picture with a margin."""

    def __init__(self, bounds: tuple[float, float, float, float]) -> None:
        min_lon, min_lat, max_lon, max_lat = bounds
        self.kx = math.cos(math.radians((min_lat + max_lat) / 2))
        span_x = max((max_lon - min_lon) * self.kx, 1e-6)
        span_y = max(max_lat - min_lat, 1e-6)
        self.scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)
        self.x0 = (WIDTH - span_x * self.scale) / 2
        self.y0 = (HEIGHT - span_y * self.scale) / 2
        self.min_lon, self.max_lat = min_lon, max_lat

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        return (
            self.x0 + (lon - self.min_lon) * self.kx * self.scale,
            self.y0 + (self.max_lat - lat) * self.scale,
        )


def _polygons(geometry: BaseGeometry) -> Iterable[Polygon]:
    if isinstance(geometry, Polygon):
        yield geometry
    elif isinstance(geometry, MultiPolygon):
        yield from geometry.geoms


def draw_region_map(outline: BaseGeometry, points: Iterable[tuple[float, float]]) -> bytes:
    """PNG bytes: the region's outline and a dot per (latitude, longitude)."""
    project = Projection(outline.bounds)
    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    draw = ImageDraw.Draw(image)
    for polygon in _polygons(outline):
        draw.polygon([project(x, y) for x, y in polygon.exterior.coords], fill=LAND, outline=BORDER, width=2)
        for hole in polygon.interiors:  # a city of republican significance inside a region
            draw.polygon([project(x, y) for x, y in hole.coords], fill=BACKGROUND, outline=BORDER, width=1)
    for lat, lon in points:
        x, y = project(lon, lat)
        draw.ellipse(
            (x - DOT_RADIUS, y - DOT_RADIUS, x + DOT_RADIUS, y + DOT_RADIUS),
            fill=DOT,
            outline=(120, 0, 0),
        )
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return buffer.getvalue()
