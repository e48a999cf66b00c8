"""Region and district look-up on known cities and on places outside Kazakhstan."""

from __future__ import annotations

import pytest

from bot.geo import shared_geography

CITIES = [
    ("Astana", 51.1282, 71.4306, "KZ-71", None),
    ("Almaty", 43.2380, 76.9450, "KZ-75", None),
    ("Medeu, Almaty", 43.2, 76.95, "KZ-75", "KZ751710"),
    ("Shymkent", 42.3417, 69.5901, "KZ-79", None),
    ("Zhezkazgan", 47.7833, 67.7144, "KZ-62", "KZ621000"),
    ("Semey", 50.4111, 80.2275, "KZ-10", "KZ101000"),
    ("Taldykorgan", 45.0156, 78.3739, "KZ-33", "KZ331000"),
    ("Konaev", 43.8667, 77.0667, "KZ-19", "KZ191000"),
]
OUTSIDE = [
    ("Bishkek", 42.8746, 74.5698),
    ("Tashkent", 41.2995, 69.2401),
    ("Moscow", 55.7558, 37.6173),
    ("Urumqi", 43.8256, 87.6168),
    ("Caspian Sea", 44.0, 50.0),
    ("null island", 0.0, 0.0),
    ("not a number", float("nan"), 71.0),
    ("off the globe", 95.0, 71.0),
]


@pytest.mark.parametrize("name,lat,lon,region,district", CITIES, ids=[c[0] for c in CITIES])
def test_cities(name, lat, lon, region, district) -> None:
    place = shared_geography().locate(lat, lon)
    assert place is not None and place.region.code == region and place.snapped_km is None
    assert place.district is not None and place.district.region_code == region
    if district:
        assert place.district.pcode == district


@pytest.mark.parametrize("name,lat,lon", OUTSIDE, ids=[o[0] for o in OUTSIDE])
def test_outside(name, lat, lon) -> None:
    assert shared_geography().locate(lat, lon) is None


def test_near_border_snaps() -> None:
    """Just across the border from Zharkent (Zhetisu) into China: within 5 km, snapped."""
    geo = shared_geography()
    inside = geo.locate(44.17, 80.0)
    assert inside is not None
    # Walk east until the point leaves Kazakhstan, then 1 km more.
    lon = 80.0
    while geo.locate(44.17, lon) is not None and geo.locate(44.17, lon).snapped_km is None:
        lon += 0.005
    snapped = geo.locate(44.17, lon + 0.01)
    assert snapped is not None and 0 < snapped.snapped_km <= 5
    assert geo.locate(44.17, lon + 0.2) is None  # about 16 km out


def test_names_in_three_languages_and_fixes() -> None:
    geo = shared_geography()
    semey = geo.locate(50.4111, 80.2275)
    assert semey.region.name("kk") == "Абай облысы"
    assert semey.district.name("kk") == "Семей қаласы"
    assert semey.district.name("ru") == "город Семей"
    assert geo.districts["KZ101010"].name("en") == "Zhanasemey District"
    assert geo.districts["KZ101010"].name("ru") == "Жанасемейский район"
    assert geo.districts["KZ191000"].name("en") == "Konaev city"
    assert geo.districts["KZ114500"].name("ru") == "район Биржан сал"
    assert len(geo.regions) == 20 and len(geo.districts) == 224
    kk = [r.name("kk") for r in geo.region_list("kk")]
    assert kk.index("Қарағанды облысы") < kk.index("Маңғыстау облысы")  # Kazakh order


def test_geodesic_distance() -> None:
    geo = shared_geography()
    assert 32 < geo.distance_m((51.1282, 71.4306), (51.1285, 71.4306)) < 35
