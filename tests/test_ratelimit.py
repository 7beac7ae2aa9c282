"""The per-client token bucket (ui/ratelimit.py): pure, so tested with a hand clock."""

from __future__ import annotations

import pytest

from ui.ratelimit import RateLimit, RateLimiter, retry_after


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_then_one_request_per_refill():
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_minute=60, burst=3), clock)
    assert [limiter.take("a") for _ in range(3)] == [0.0, 0.0, 0.0]
    assert limiter.take("a") == pytest.approx(1.0)  # one token a second
    clock.now += 0.5
    assert limiter.take("a") == pytest.approx(0.5)  # a refused request costs nothing
    clock.now += 0.5
    assert limiter.take("a") == 0.0 and limiter.take("a") > 0
    clock.now += 3600
    assert [limiter.take("a") for _ in range(4)][:3] == [0.0] * 3  # never above the burst


def test_each_client_has_its_own_budget():
    limiter = RateLimiter(RateLimit(per_minute=60, burst=1), Clock())
    assert limiter.take("10.0.0.1") == 0.0 and limiter.take("10.0.0.1") > 0
    assert limiter.take("10.0.0.2") == 0.0


def test_memory_stays_bounded_whatever_the_clients():
    clock = Clock()
    limiter = RateLimiter(RateLimit(per_minute=60, burst=2), clock, max_clients=100)
    for i in range(1000):
        limiter.take(f"c{i}")
        clock.now += 0.01
    assert len(limiter._buckets) <= 101
    assert limiter.take("c999") == 0.0 and limiter.take("c999") > 0  # the newest is kept


def test_retry_after_is_whole_seconds_at_least_one():
    assert [retry_after(s) for s in (0.01, 1.0, 1.2)] == [1, 1, 2]
    with pytest.raises(ValueError):
        RateLimit(per_minute=0)
