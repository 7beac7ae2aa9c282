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


def unnamed_row_factor(query_words: set[str], levels: tuple[frozenset[str], ...],
                       penalty: float) -> float:
    """Score factor of a table row by how much of its label path the question names.

    Indicator tables nest rows ("Đàn bò > Bò sữa > Doanh nghiệp", "Rau các loại > Rau khác >
    Diện tích"); a child row carries its parents' words, so it matches a question about the
    parent as well as the parent does. The asked row is the one with no unnamed level below
    the first level the question names in full (or, when none is, its own label named)."""
    levels = tuple(w for w in levels if w)
    if not levels:
        return 1.0
    covers = [len(w & query_words) / len(w) for w in levels]
    first = next((i for i, c in enumerate(covers) if c == 1.0), len(covers) - 1)
    tail = covers[first:]
    return 1.0 - penalty * (1.0 - sum(tail) / len(tail))


def ranked(scores: dict[int, float], k: int) -> list[tuple[int, float]]:
    """Best k (id, score), ties broken by id so results are stable."""
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
