"""The per-client token buckets the web app (ui/guard.py) and the HTTP API share: pure
given the time, so tested with a hand clock."""

from __future__ import annotations

import pytest

from ui import guard
from ui.guard import TokenBuckets


def test_a_burst_then_one_request_per_refill():
    buckets = TokenBuckets(rate=1.0, burst=3)
    assert [buckets.take("a", now=100.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("a", now=100.0) == pytest.approx(1.0)  # one token a second
    assert buckets.take("a", now=100.5) == pytest.approx(0.5)  # refused: costs nothing
    assert buckets.take("a", now=101.0) == 0.0 and buckets.take("a", now=101.0) > 0
    later = [buckets.take("a", now=5000.0) for _ in range(4)]
    assert later[:3] == [0.0] * 3 and later[3] > 0  # never more than the burst


def test_each_client_has_its_own_budget():
    buckets = TokenBuckets(rate=1.0, burst=1)
    assert buckets.take("10.0.0.1", now=1.0) == 0.0 and buckets.take("10.0.0.1", now=1.0) > 0
    assert buckets.take("10.0.0.2", now=1.0) == 0.0


def test_memory_stays_bounded_whatever_the_clients(monkeypatch):
    monkeypatch.setattr(guard, "TRACKED_CLIENTS", 100)
    buckets = TokenBuckets(rate=1.0, burst=2)
    for i in range(1000):
        buckets.take(f"c{i}", now=float(i))
    assert len(buckets._buckets) == 100
    assert buckets.take("c999", now=999.0) == 0.0 and buckets.take("c999", now=999.0) > 0
