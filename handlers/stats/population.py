"""Population of each region, for reports per 100,000 people. Source: the Bureau of National
Statistics of the Agency for Strategic Planning and Reforms (stat.gov.kz), its population releases as
republished by the press (each figure's date below, and where it was read):
- 1 January 2026: Kazinform and The Astana Times, 2 Feb 2026 (the seven regions over a million
  people and Ulytau);
- 1 December 2025: Tengrinews and The Astana Times, 5 Jan 2026 (North Kazakhstan, Abai); Lada.kz,
  5 Jan 2026 (Mangystau); Lada.kz citing Kazinform (Kostanay, published as 821.8 thousand);
- 1 August 2025: mgorod.kz, 14 Oct 2025 (West Kazakhstan, published in thousands);
- 1 January 2025: yk.kz, 2 May 2025 (East Kazakhstan);
- older, the latest found: Atyrau (1 January 2024, mgorod.kz), Pavlodar (1 January 2023,
  pavlodarnews.kz).
The regions without a figure that could be checked are None: they are left out of the
per-100,000 ranking and named in the picture's footnote, until someone copies them from
stat.gov.kz's table "Численность населения Республики Казахстан по областям, городам и районам"."""

from __future__ import annotations

SOURCE = "stat.gov.kz"

# region code -> (people, the date of the figure)
POPULATION: dict[str, tuple[int, str] | None] = {
    "KZ-75": (2_347_924, "2026-01-01"),  # Almaty
    "KZ-61": (2_148_658, "2026-01-01"),  # Turkistan Region
    "KZ-71": (1_638_233, "2026-01-01"),  # Astana
    "KZ-19": (1_596_331, "2026-01-01"),  # Almaty Region
    "KZ-79": (1_293_648, "2026-01-01"),  # Shymkent
    "KZ-31": (1_215_373, "2026-01-01"),  # Zhambyl Region
    "KZ-35": (1_131_287, "2026-01-01"),  # Karaganda Region
    "KZ-62": (218_993, "2026-01-01"),  # Ulytau Region
    "KZ-59": (514_732, "2025-12-01"),  # North Kazakhstan Region
    "KZ-10": (596_000, "2025-12-01"),  # Abai Region (published rounded)
    "KZ-47": (818_345, "2025-12-01"),  # Mangystau Region
    "KZ-39": (821_800, "2025-12-01"),  # Kostanay Region (published as 821.8 thousand)
    "KZ-27": (695_900, "2025-08-01"),  # West Kazakhstan Region (published as 695.9 thousand)
    "KZ-63": (723_967, "2025-01-01"),  # East Kazakhstan Region
    "KZ-23": (703_180, "2024-01-01"),  # Atyrau Region
    "KZ-55": (754_903, "2023-01-01"),  # Pavlodar Region
    "KZ-11": None,  # Akmola Region
    "KZ-15": None,  # Aktobe Region
    "KZ-33": None,  # Zhetisu Region
    "KZ-43": None,  # Kyzylorda Region
}


def population(region_code: str) -> int | None:
    found = POPULATION.get(region_code)
    return found[0] if found else None
