"""Typed address -> point, through OpenStreetMap's Nominatim (geopy), only when GEOCODING_ENABLED.

Nominatim's usage policy: at most one request per second, a real User-Agent, cache the answers.
The request runs in a thread with a short timeout; the bot works fully with geocoding off (the
citizen then picks the region from the list)."""

from __future__ import annotations

import asyncio
import time

from geopy.exc import GeopyError
from geopy.geocoders import Nominatim

MIN_INTERVAL_S = 1.0
TIMEOUT_S = 5.0
CACHE_SIZE = 2048


class NominatimGeocoder:
    def __init__(self, user_agent: str) -> None:
        self._nominatim = Nominatim(user_agent=user_agent, timeout=TIMEOUT_S)
        self._lock = asyncio.Lock()
        self._last = 0.0
        self._cache: dict[str, tuple[float, float] | None] = {}

    async def geocode(self, address: str) -> tuple[float, float] | None:
        key = " ".join(address.casefold().split())
        if key in self._cache:
            return self._cache[key]
        async with self._lock:  # one request at a time, a second apart
            wait = self._last + MIN_INTERVAL_S - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            try:
                found = await asyncio.to_thread(
                    self._nominatim.geocode, address, country_codes="kz", exactly_one=True
                )
            except GeopyError:
                return None  # not cached: the service may be back next time
            finally:
                self._last = time.monotonic()
        result = (found.latitude, found.longitude) if found else None
        if len(self._cache) >= CACHE_SIZE:
            self._cache.pop(next(iter(self._cache)))
        self._cache[key] = result
        return result
