"""Period filters: which chunks can answer for the asked period, as small pure functions.

Periods repeat across a million chunks but take a handful of distinct values
(one tuple per report part), so matching is done per distinct tuple and
broadcast back to chunks with an index array.
"""

from __future__ import annotations

import numpy as np

from rag.periods import best_period_match, covers
from rag.records import Chunk, Period


def period_groups(chunks: list[Chunk]) -> tuple[list[tuple[Period, ...]], np.ndarray]:
    """The distinct period tuples of the chunks and, per chunk, the index of its tuple:
    a query then matches a handful of tuples, not a million chunks, in Python."""
    lookup: dict[tuple[Period, ...], int] = {}
    ids = np.fromiter((lookup.setdefault(c.periods, len(lookup)) for c in chunks),
                      dtype=np.int32, count=len(chunks))
    return list(lookup), ids


def group_match(query_periods: list[Period], groups: list[tuple[Period, ...]]) -> np.ndarray:
    """How well each period tuple matches the asked period (1.0 exact)."""
    return np.array([best_period_match(query_periods, list(g)) for g in groups] or [0.0],
                    dtype=np.float32)


def covered(asked: list[Period], groups: list[tuple[Period, ...]], group_of: np.ndarray) -> bool:
    """Some chunk (of the allowed ones, given by their ``group_of`` entries) has a period
    that contains an asked period; a plan part counts with its own (next) period."""
    present = np.flatnonzero(np.bincount(group_of, minlength=len(groups)))
    return any(covers(p, q) for g in present for p in groups[g] for q in asked)
