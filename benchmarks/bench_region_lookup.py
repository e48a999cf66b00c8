"""Region + district look-ups per second (bot/geo.py), on random points over Kazakhstan's bounding
box (some fall outside and take the slower near-border path), and on points inside only.

    python benchmarks/bench_region_lookup.py
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.geo import Geography  # noqa: E402

N = 20_000


def main() -> None:
    start = time.perf_counter()
    geo = Geography()
    print(f"load and index the borders: {(time.perf_counter() - start) * 1000:.0f} ms")
    rng = random.Random(1)
    box = [(rng.uniform(40.5, 55.5), rng.uniform(46.5, 87.5)) for _ in range(N)]
    start = time.perf_counter()
    found = [geo.locate(lat, lon) for lat, lon in box]
    elapsed = time.perf_counter() - start
    inside = [p for p, place in zip(box, found) if place is not None]
    print(f"bounding box: {N / elapsed:,.0f} look-ups/s ({len(inside)} of {N} in Kazakhstan)")
    start = time.perf_counter()
    for lat, lon in inside:
        geo.locate(lat, lon)
    elapsed = time.perf_counter() - start
    print(f"inside only: {len(inside) / elapsed:,.0f} look-ups/s")


if __name__ == "__main__":
    main()
