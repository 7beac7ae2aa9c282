"""Requests per client: a token bucket per client key, pure (the clock is given).

Each client has ``burst`` tokens that refill at ``per_minute`` a minute; a request takes
one (or ``cost``) and is refused while the bucket is empty, with the seconds until it
would pass. No I/O, no framework: the HTTP API (``ui.api``) uses it per client address,
and any other front end can use the same object so that a client's requests count
against one budget wherever they arrive. Idle full buckets are forgotten first when more
than ``max_clients`` are tracked, so memory stays bounded whatever the clients do.
"""

from __future__ import annotations

import math
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

# No measurement: one question costs ~0.06 s of CPU (README, "Under load"), so 2 cores
# answer ~25 a second in all; one client asking more than 2 a second for a minute is a
# script in a loop, while 30 at once is a page of an integrating portal loading.
PER_MINUTE = float(os.environ.get("BAOCAO_API_RATE_PER_MINUTE", "120"))
BURST = int(os.environ.get("BAOCAO_API_BURST", "30"))


@dataclass(frozen=True)
class RateLimit:
    per_minute: float = PER_MINUTE
    burst: int = BURST

    def __post_init__(self) -> None:
        if self.per_minute <= 0 or self.burst < 1:
            raise ValueError("a rate limit needs per_minute > 0 and burst >= 1")


class RateLimiter:
    """``take(client)`` -> 0.0 when the request may go on, else the seconds to wait."""

    def __init__(self, limit: RateLimit = RateLimit(),
                 clock: Callable[[], float] = time.monotonic, max_clients: int = 10_000):
        self.limit = limit
        self.clock = clock
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}  # client -> (tokens, at time)
        self._lock = threading.Lock()

    def _tokens(self, client: str, now: float) -> float:
        tokens, at = self._buckets.get(client, (float(self.limit.burst), now))
        refill = (now - at) * self.limit.per_minute / 60.0
        return min(float(self.limit.burst), tokens + max(refill, 0.0))

    def take(self, client: str, cost: float = 1.0) -> float:
        with self._lock:
            now = self.clock()
            tokens = self._tokens(client, now)
            if tokens >= cost:
                self._buckets[client] = (tokens - cost, now)
                self._forget(now)
                return 0.0
            self._buckets[client] = (tokens, now)
            return (cost - tokens) * 60.0 / self.limit.per_minute

    def _forget(self, now: float) -> None:
        """Drop full buckets (clients idle long enough), then the oldest, past the cap."""
        if len(self._buckets) <= self.max_clients:
            return
        full = [c for c in self._buckets if self._tokens(c, now) >= self.limit.burst]
        for client in full:
            del self._buckets[client]
        if len(self._buckets) > self.max_clients:
            oldest = sorted(self._buckets, key=lambda c: self._buckets[c][1])
            for client in oldest[:len(self._buckets) - self.max_clients]:
                del self._buckets[client]


def retry_after(seconds: float) -> int:
    """Whole seconds for a ``Retry-After`` header (at least 1)."""
    return max(1, math.ceil(seconds))
