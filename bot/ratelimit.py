"""Token buckets for the outbox sender: the platforms' overall, per-chat and per-group limits;
and fixed-window counters for what comes in: inputs per person, requests per client address.

Waiters take tokens one at a time in arrival order and re-check the clock after sleeping, instead
of reserving future tokens up front: after the event loop stalls (a slow query, a busy CPU), a
reservation scheme would wake every waiter at once and send a burst the platform answers with 429;
here at most `capacity` messages go out together however late the loop wakes up."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import datetime

from handlers.engine import Admission
from handlers.types import Incoming


@dataclass
class TokenBucket:
    rate: float  # tokens per second
    capacity: float
    tokens: float = field(init=False)
    stamp: float = field(default_factory=time.monotonic)
    _lock: asyncio.Lock = field(default_factory=asyncio.Lock, repr=False)

    def __post_init__(self) -> None:
        self.tokens = self.capacity

    def _refill(self) -> None:
        now = time.monotonic()
        self.tokens = min(self.capacity, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    async def take(self) -> None:
        """Wait for a token and take it (first come, first served)."""
        async with self._lock:
            while True:
                self._refill()
                if self.tokens >= 1:
                    self.tokens -= 1
                    return
                await asyncio.sleep((1 - self.tokens) / self.rate)


MAX_IDLE_BUCKETS = 10_000


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
    ) -> None:
        self.overall = TokenBucket(overall_rate, 1.0) if overall_rate else None
        self.per_key_rate = per_key_rate
        self.per_key_burst = per_key_burst
        self.buckets: dict[str, TokenBucket] = {}

    def _forget_idle(self) -> None:
        """Drop the buckets of chats that have been quiet long enough to be full again (a
        broadcast to 100,000 users would otherwise keep 100,000 buckets for ever)."""
        for key, bucket in list(self.buckets.items()):
            bucket._refill()
            if bucket.tokens >= bucket.capacity and not bucket._lock.locked():
                del self.buckets[key]

    async def acquire(self, key: str, *, rate: float | None = None, burst: int | None = None) -> None:
        key_rate = rate if rate is not None else self.per_key_rate
        if key_rate:
            bucket = self.buckets.get(key)
            if bucket is None:
                if len(self.buckets) >= MAX_IDLE_BUCKETS:
                    self._forget_idle()
                bucket = self.buckets[key] = TokenBucket(key_rate, burst or self.per_key_burst)
            await bucket.take()
        if self.overall:
            await self.overall.take()


class WindowCounter:
    """At most `limit` events per key in each fixed window of `seconds`; the first refusal of a
    window is told apart from the later ones (one warning, then silence)."""

    def __init__(self, limit: int, seconds: float = 60.0) -> None:
        self.limit = limit
        self.seconds = seconds
        self._counts: dict[str, tuple[int, int]] = {}  # key -> (window number, events in it)

    def hit(self, key: str, now: float) -> int:
        """Count one event; returns how many the key had in this window, this one included."""
        window = int(now // self.seconds)
        if len(self._counts) >= MAX_IDLE_BUCKETS:  # forget the keys of earlier windows
            self._counts = {k: v for k, v in self._counts.items() if v[0] == window}
        last, count = self._counts.get(key, (window, 0))
        count = count + 1 if last == window else 1
        self._counts[key] = (window, count)
        return count

    def retry_after(self, now: float) -> int:
        """Seconds until the next window starts (for a Retry-After header)."""
        return max(1, int(self.seconds - now % self.seconds + 0.999))


class InputLimiter:
    """`Engine.admit`: at most `per_minute` inputs per person (channel account) a minute; the first
    input over it gets a warning, the others of that minute no answer at all. The console is the
    local trial chat (a script piped in may be long): it is not limited."""

    UNLIMITED_CHANNELS = frozenset({"console"})

    def __init__(self, per_minute: int) -> None:
        self.counter = WindowCounter(per_minute)

    def __call__(self, incoming: Incoming, now: datetime) -> Admission:
        if incoming.channel in self.UNLIMITED_CHANNELS:
            return Admission.RUN
        count = self.counter.hit(f"{incoming.channel}:{incoming.sender_id}", now.timestamp())
        if count <= self.counter.limit:
            return Admission.RUN
        return Admission.WARN if count == self.counter.limit + 1 else Admission.DROP
