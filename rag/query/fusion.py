"""Score fusion and boosts: small pure functions over plain inputs."""

from __future__ import annotations

RRF_K = 60


def rrf(rankings: list[list[int]], weights: list[float], k: int = RRF_K) -> dict[int, float]:
    """Weighted reciprocal-rank fusion of ranked id lists (best first).

    RRF needs no score calibration between BM25 and cosine, which differ in
    scale per query; the weights say how much each ranking is trusted.
    """
    fused: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank + 1)
    return fused


def minmax(scores: dict[int, float]) -> dict[int, float]:
    """Scale to [0, 1] so scores from different retrievers can be mixed."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    return {i: (s - lo) / span if span > 0 else 1.0 for i, s in scores.items()}


def mix(dense: dict[int, float], sparse: dict[int, float], dense_weight: float) -> dict[int, float]:
    """Convex mix of min-max normalized scores; a missing score counts as 0."""
    d, s = minmax(dense), minmax(sparse)
    return {i: dense_weight * d.get(i, 0.0) + (1 - dense_weight) * s.get(i, 0.0)
            for i in set(d) | set(s)}


def apply_boosts(scores: dict[int, float], boosts: dict[int, float]) -> dict[int, float]:
    """Multiply scores by per-item factors (period match, results vs plans)."""
    return {i: s * boosts.get(i, 1.0) for i, s in scores.items()}


def ranked(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """Best k (id, score), ties broken by id so results are stable."""
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
