"""FAISS inner-product search over L2-normalized vectors (cosine similarity).

Exact search (``IndexFlatIP``) below ``HNSW_MIN_VECTORS``; above it an HNSW
graph, whose build is slow but whose queries stay fast at 1M vectors (see
eval/BENCHMARKS.md for the measurement behind the threshold). Searches can be
restricted to a subset of rows (a period filter): small subsets are scored
exactly with one matrix product, large ones by over-fetching and filtering.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_MIN_VECTORS = 200_000
HNSW_M = 32
HNSW_EF_SEARCH = 128
EXACT_SUBSET_MAX = 50_000


class DenseIndex:
    def __init__(self, vectors: np.ndarray, index: faiss.Index | None = None) -> None:
        self.vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        self.index = index if index is not None else build_faiss(self.vectors)

    @property
    def kind(self) -> str:
        return "hnsw" if isinstance(self.index, faiss.IndexHNSWFlat) else "flat"

    def search(self, query: np.ndarray, k: int,
               allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Best k (row, cosine); ``allowed`` is a sorted array of permitted rows."""
        n = self.vectors.shape[0]
        if n == 0 or k <= 0:
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        if allowed is not None and len(allowed) <= EXACT_SUBSET_MAX:
            sims = self.vectors[allowed] @ q[0]
            order = np.argsort(-sims, kind="stable")[:k]
            return [(int(allowed[i]), float(sims[i])) for i in order]
        fetch = min(n, k if allowed is None else k * 20)
        scores, ids = self.index.search(q, fetch)
        keep = None if allowed is None else set(allowed.tolist())
        out = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True)
               if i >= 0 and (keep is None or int(i) in keep)]
        return out[:k]

    def save(self, folder: Path) -> None:
        np.save(folder / "vectors.npy", self.vectors)
        if self.kind == "hnsw":
            faiss.write_index(self.index, str(folder / "vectors.hnsw.faiss"))

    @classmethod
    def load(cls, folder: Path) -> DenseIndex:
        vectors = np.load(folder / "vectors.npy", allow_pickle=False)
        hnsw = folder / "vectors.hnsw.faiss"
        index = faiss.read_index(str(hnsw)) if hnsw.exists() else None
        if index is not None:
            index.hnsw.efSearch = HNSW_EF_SEARCH
        return cls(vectors, index)


def build_faiss(vectors: np.ndarray, hnsw_min: int = HNSW_MIN_VECTORS) -> faiss.Index:
    dim = vectors.shape[1] if vectors.ndim == 2 and vectors.shape[0] else 1
    if vectors.shape[0] >= hnsw_min:
        index = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = 80
        index.hnsw.efSearch = HNSW_EF_SEARCH
    else:
        index = faiss.IndexFlatIP(dim)
    if vectors.shape[0]:
        index.add(vectors)
    return index
