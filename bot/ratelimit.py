"""Token buckets for the outbox sender: the platforms' overall, per-chat and per-group limits."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def delay(self) -> float:
        """Take a token; the seconds to wait before using it (0 when one was there)."""
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        self.tokens -= 1
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate


class KeyedLimiter:
    """One bucket overall and one per key (chat). `acquire` waits for both.

    The overall bucket holds one token by default: messages are paced evenly (1/rate apart), because
    a platform that counts over a sliding second refuses the 31st message of a burst of 30 followed
    by steady sending; a full-size burst would earn a 429 at every start."""

    def __init__(
        self,
        overall_rate: float | None,
        per_key_rate: float | None,
        per_key_burst: int = 1,
        overall_burst: float | None = None,
    ) -> None:
        self.overall = (
            TokenBucket(overall_rate, overall_burst or 1.0) if overall_rate else None
        )
        self.per_key_rate = per_key_rate
        self.per_key_burst = per_key_burst
        self.buckets: dict[str, TokenBucket] = {}

    async def acquire(self, key: str, *, rate: float | None = None, burst: int | None = None) -> None:
        wait = 0.0
        key_rate = rate if rate is not None else self.per_key_rate
        if key_rate:
            bucket = self.buckets.get(key)
            if bucket is None:
                bucket = self.buckets[key] = TokenBucket(key_rate, burst or self.per_key_burst)
            wait = bucket.delay()
        if self.overall:
            wait = max(wait, self.overall.delay())
        if wait > 0:
            await asyncio.sleep(wait)
