"""Offline geography: which region and district of Kazakhstan a point lies in.

The 2024 borders (bot/geodata, CC BY 4.0, see ATTRIBUTION.md) are loaded once into shapely
geometries, prepared, and indexed with an STRtree. A point outside every region but within
`SNAP_KM` of one (a GPS fix on the border, a shore) snaps to the nearest region; anything farther
is outside Kazakhstan. Distances are geodesic (geopy), never degrees.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import shapely
from geopy.distance import geodesic
from shapely.geometry import Point, shape
from shapely.ops import nearest_points

GEODATA_DIR = Path(__file__).with_name("geodata")
SNAP_KM = 5.0
KM_PER_DEGREE = 111.2
# Kazakh alphabetical order (Қ after К, not after Я as code points would put it).
KAZAKH_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"

# The source's rough transliterations and typos, corrected where the bot shows them:
# pcode -> {language: name}.
NAME_FIXES: dict[str, dict[str, str]] = {
    "KZ101010": {"en": "Zhanasemey"},
    "KZ191000": {"en": "Konaev"},
    "KZ352200": {"en": "Saran"},
    "KZ392400": {"en": "Rudny"},
    "KZ434800": {"en": "Syrdarya"},
    "KZ635200": {"en": "Kurchum"},
    "KZ611000": {"en": "Turkistan"},
    "KZ114500": {"en": "Birzhan Sal"},
    "KZ153400": {"en": "Ayteke Bi"},
    "KZ595600": {"en": "Shal Akyn"},
    "KZ113400": {"ru": "Аршалинский"},  # the source starts it with a Latin A
    "KZ331000": {"ru": "Талдыкорган", "kk": "Талдықорған"},  # swapped in the source
    "KZ791510": {"ru": "Енбекшинский"},  # "Енбекшинскийский" in the source
    "KZ791710": {"ru": "Каратауский"},
}


@dataclass(frozen=True, slots=True)
class Region:
    code: str  # ISO 3166-2:KZ, e.g. KZ-71
    kind: str  # 'region' or 'city' (of republican significance)
    names: dict[str, str] = field(hash=False, compare=False)

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names["en"]


@dataclass(frozen=True, slots=True)
class District:
    """A second-level unit: a district, a city of regional significance, or a city's district."""

    pcode: str
    region_code: str
    is_city: bool
    names: dict[str, str] = field(hash=False, compare=False)

    def name(self, language: str) -> str:
        """The name as a phrase: "Жаңасемей ауданы", "Жанасемейский район", "Semey city"."""
        bare = self.names.get(language) or self.names["en"]
        if self.is_city:
            return {"kk": f"{bare} қаласы", "ru": f"город {bare}"}.get(language, f"{bare} city")
        if language == "kk":
            return f"{bare} ауданы"
        if language == "ru":
            return f"{bare} район" if bare.endswith("ий") else f"район {bare}"
        return f"{bare} District"


@dataclass(frozen=True, slots=True)
class Place:
    region: Region
    district: District | None
    snapped_km: float | None = None  # how far outside the borders the point was, if it was


class Geography:
    """Point -> region and district. Build once (a fraction of a second) and share."""

    def __init__(self, directory: Path = GEODATA_DIR) -> None:
        self.regions: dict[str, Region] = {}
        self.districts: dict[str, District] = {}
        region_geoms, self._region_keys = [], []
        for props, geom in _features(directory / "kz_regions.geojson"):
            region = Region(props["iso_code"], props["kind"], _names(props))
            self.regions[region.code] = region
            region_geoms.append(geom)
            self._region_keys.append(region.code)
        district_geoms, self._district_keys = [], []
        for props, geom in _features(directory / "kz_districts.geojson"):
            region_code = props["region_iso_code"]
            district = District(
                props["pcode"],
                region_code,
                _is_city(props, self.regions[region_code]),
                _names(props, NAME_FIXES.get(props["pcode"], {})),
            )
            self.districts[district.pcode] = district
            district_geoms.append(geom)
            self._district_keys.append(district.pcode)
        self._region_geoms = region_geoms
        self._district_geoms = district_geoms
        self._region_tree = shapely.STRtree(region_geoms)
        self._district_tree = shapely.STRtree(district_geoms)

    def region_list(self, language: str) -> list[Region]:
        """The 20 regions in the user's alphabetical order."""
        return sorted(self.regions.values(), key=lambda r: _sort_key(r.name(language), language))

    def locate(self, latitude: float, longitude: float) -> Place | None:
        """The region and district of a point, or None when it is not in Kazakhstan."""
        if not (math.isfinite(latitude) and math.isfinite(longitude)):
            return None
        if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
            return None
        point = Point(longitude, latitude)
        region_i = _covering(self._region_tree, self._region_geoms, point)
        snapped_km = None
        if region_i is None:
            nearest = _nearest_within(self._region_tree, self._region_geoms, point, SNAP_KM)
            if nearest is None:
                return None
            region_i, snapped_km = nearest
        region = self.regions[self._region_keys[region_i]]
        district_i = _covering(self._district_tree, self._district_geoms, point)
        if district_i is None or self._district_region(district_i) != region.code:
            nearest = _nearest_within(
                self._district_tree,
                self._district_geoms,
                point,
                SNAP_KM,
                keep=lambda i: self._district_region(i) == region.code,
            )
            district_i = nearest[0] if nearest else None
        district = self.districts[self._district_keys[district_i]] if district_i is not None else None
        return Place(region, district, snapped_km)

    @staticmethod
    def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
        return distance_m(a, b)

    def _district_region(self, index: int) -> str:
        return self.districts[self._district_keys[index]].region_code


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Geodesic distance in metres between two (latitude, longitude) points."""
    return geodesic(a, b).meters


def _sort_key(name: str, language: str) -> list[int]:
    text = name.casefold()
    if language != "kk":
        return [ord(c) for c in text]
    return [KAZAKH_ALPHABET.index(c) if c in KAZAKH_ALPHABET else 100 + ord(c) for c in text]


def _features(path: Path):
    with path.open(encoding="utf-8") as fh:
        collection = json.load(fh)
    for feature in collection["features"]:
        geom = shape(feature["geometry"])
        shapely.prepare(geom)
        yield feature["properties"], geom


def _names(props: dict, fixes: dict[str, str] | None = None) -> dict[str, str]:
    names = {lang: props[f"name_{lang}"] for lang in ("kk", "ru", "en")}
    names.update(fixes or {})
    return names


def _is_city(props: dict, region: Region) -> bool:
    """Cities of regional significance carry KATO numbers below xx3000 and a noun for a Russian
    name; districts (and the districts of Astana, Almaty, Shymkent) do not."""
    if region.kind == "city":
        return False
    if props["name_ru"].endswith("ий"):
        return False
    return int(props["pcode"][4:6]) < 30


def _covering(tree: shapely.STRtree, geoms: list, point: Point) -> int | None:
    for index in tree.query(point):
        if geoms[index].covers(point):  # prepared: fast
            return int(index)
    return None


def _nearest_within(tree, geoms, point: Point, limit_km: float, keep=lambda i: True):
    """(index, km) of the nearest geometry within `limit_km` (geodesic), or None."""
    lat, lon = point.y, point.x
    dlat = limit_km / KM_PER_DEGREE
    dlon = limit_km / (KM_PER_DEGREE * max(math.cos(math.radians(lat)), 0.01))
    box = shapely.box(lon - dlon, lat - dlat, lon + dlon, lat + dlat)
    best: tuple[int, float] | None = None
    for index in tree.query(box):
        if not keep(int(index)):
            continue
        nearest = nearest_points(geoms[index], point)[0]
        km = geodesic((lat, lon), (nearest.y, nearest.x)).km
        if km <= limit_km and (best is None or km < best[1]):
            best = (int(index), km)
    return best


@cache
def shared_geography() -> Geography:
    """One instance per process: the borders are loaded once (about half a second)."""
    return Geography()
