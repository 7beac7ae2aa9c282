"""Inner-product search over L2-normalized vectors (cosine similarity).

Below ``HNSW_MIN_VECTORS`` the search is exact: one matrix-vector product over
the vectors, which are memory-mapped from ``vectors.npy`` (pages are read on
demand and shared between processes: ``serve`` and a CLI ``ask`` on the same
index hold one copy), and FAISS is not even imported. Above it, an HNSW graph
(FAISS), whose build is slow but whose queries stay fast at 1M vectors (see
eval/BENCHMARKS.md for the measurement behind the threshold). Searches can be
restricted to a subset of rows (a period filter): small subsets are scored
exactly with one matrix product, large ones by over-fetching and filtering.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HNSW_MIN_VECTORS = 200_000
HNSW_M = 32
HNSW_EF_SEARCH = 128
EXACT_SUBSET_MAX = 50_000
VECTORS, HNSW_FILE = "vectors.npy", "vectors.hnsw.faiss"


class DenseIndex:
    def __init__(self, vectors: np.ndarray, index=None) -> None:
        """``index``: a FAISS HNSW index over ``vectors``; built here when they are many."""
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if index is None and self.vectors.shape[0] >= HNSW_MIN_VECTORS:
            index = build_hnsw(self.vectors)
        self.index = index

    @property
    def kind(self) -> str:
        return "flat" if self.index is None else "hnsw"

    def search(self, query: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best k (row, cosine); ``allowed`` is a sorted array of permitted rows."""
        n = self.vectors.shape[0]
        if n == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(query.reshape(-1), dtype=np.float32)
        if self.index is None or (allowed is not None and len(allowed) <= EXACT_SUBSET_MAX):
            rows = self.vectors if allowed is None else self.vectors[allowed]
            sims = rows @ q
            top = top_k_stable(sims, k)
            ids = top if allowed is None else allowed[top]
            return [(int(i), float(s)) for i, s in zip(ids, sims[top], strict=True)]
        fetch = min(n, k if allowed is None else k * 20)
        scores, ids = self.index.search(q.reshape(1, -1), fetch)
        keep = None if allowed is None else set(allowed.tolist())
        out = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True)
               if i >= 0 and (keep is None or int(i) in keep)]
        return out[:k]

    def save(self, folder: Path) -> None:
        np.save(folder / VECTORS, self.vectors)
        if self.index is not None:
            import faiss

            faiss.write_index(self.index, str(folder / HNSW_FILE))

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        """Vectors memory-mapped read-only; the HNSW graph, if any, read into memory."""
        vectors = np.load(folder / VECTORS, mmap_mode="r", allow_pickle=False)
        hnsw = folder / HNSW_FILE
        index = None
        if hnsw.exists():
            import faiss

            index = faiss.read_index(str(hnsw))
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(vectors, index)


def top_k_stable(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k best scores, equal scores in position order (a stable sort's
    first k) without sorting the whole array."""
    n = scores.shape[0]
    if k >= n:
        return np.argsort(-scores, kind="stable")
    threshold = scores[np.argpartition(-scores, k - 1)[:k]].min()
    candidates = np.flatnonzero(scores >= threshold)
    return candidates[np.argsort(-scores[candidates], kind="stable")[:k]]


def build_hnsw(vectors: np.ndarray):
    import faiss

    index = faiss.IndexHNSWFlat(vectors.shape[1], HNSW_M, faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = 80
    index.hnsw.efSearch = HNSW_EF_SEARCH
    index.add(vectors)
    return index
