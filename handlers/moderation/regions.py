"""A region as an admin types it: its code ("KZ-79", "kz-79"), 'national', or its name in Kazakh,
Russian or English in any case ("Shymkent", "Шымкент", "город Шымкент", "Алматы облысы",
"Алматинская область"). A city's bare name ("Алматы") is the city, not the oblys named after it."""

from __future__ import annotations

import re
from typing import Any

from storage.moderation import normalise_region

# Words a name may be typed with or without: a city's "город"/"қаласы", an oblys's "облысы"/
# "область"/"Region".
CITY_WORDS = ("город", "қаласы", "city")
REGION_WORDS = ("облысы", "область", "region", "oblysy", "oblast")


def _key(text: str) -> str:
    return re.sub(r"[\s\-‐–—]+", " ", text.casefold().replace("ё", "е")).strip()


def _without(name: str, words: tuple[str, ...]) -> str:
    return " ".join(w for w in name.split() if w not in words)


def _names(geo: Any) -> dict[str, str]:
    """Typed form -> code: full names first, then cities without "city", then oblystar without
    "region" (a shorter form never replaces a longer one already taken)."""
    found: dict[str, str] = {}
    levels = (
        (lambda region, name: name),
        (lambda region, name: _without(name, CITY_WORDS) if region.kind == "city" else None),
        (lambda region, name: _without(name, REGION_WORDS) if region.kind != "city" else None),
    )
    for level in levels:
        for region in geo.regions.values():
            for name in region.names.values():
                form = level(region, _key(name))
                if form:
                    found.setdefault(form, region.code)
    return found


def find_region(geo: Any, text: str) -> str | None:
    """The region code (or 'national') `text` names; None when it names none."""
    code = normalise_region(text, geo.regions)
    if code is not None:
        return code
    return _names(geo).get(_key(text))
