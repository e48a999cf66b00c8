"""Population of each region, for reports per 100,000 people. Source: the Bureau of National
Statistics of the Agency for Strategic Planning and Reforms (stat.gov.kz), monthly population
releases as republished by Kazinform / The Astana Times (2 Feb 2026, figures on 1 January 2026) and
Tengrinews / The Astana Times (5 Jan 2026, figures on 1 December 2025). Only figures found in those
releases are here; the other regions are None (not verified: left out of the per-100,000 ranking,
and named in the picture's footnote) until someone copies them from stat.gov.kz's table
"Численность населения Республики Казахстан по областям, городам и районам"."""

from __future__ import annotations

SOURCE = "stat.gov.kz"
AS_OF = "2026-01-01"

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
    "KZ-11": None,  # Akmola Region
    "KZ-15": None,  # Aktobe Region
    "KZ-23": None,  # Atyrau Region
    "KZ-27": None,  # West Kazakhstan Region
    "KZ-33": None,  # Zhetisu Region
    "KZ-39": None,  # Kostanay Region
    "KZ-43": None,  # Kyzylorda Region
    "KZ-47": None,  # Mangystau Region
    "KZ-55": None,  # Pavlodar Region
    "KZ-63": None,  # East Kazakhstan Region
}


def population(region_code: str) -> int | None:
    found = POPULATION.get(region_code)
    return found[0] if found else None
