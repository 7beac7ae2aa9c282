"""The embedder interface: one abstract method, the base builds the rest.

A backend only implements ``encode(texts, kind)``; batching, progress, the
shape check and L2 normalization live here so every backend honours the same
contract (float32 rows of unit length, one per text).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np

from rag.errors import EmbedderError

KINDS = ("query", "passage")


class Embedder(ABC):
    name: str
    dim: int
    # What exactly computes the vectors (model files, runtime version), for the vector
    # cache (rag.embed.vcache); None: never cached.
    fingerprint: str | None = None

    @abstractmethod
    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        """kind is "query" or "passage"; returns float32 (len(texts), dim)."""

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_queries([text])[0]

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode_checked(list(texts), "query")

    def embed_passages(self, texts: list[str], batch_size: int = 16,
                       on_progress: Callable[[int, int], None] | None = None) -> np.ndarray:
        """Batches bound peak memory and give the caller a progress tick per batch."""
        texts = list(texts)
        if batch_size < 1:
            raise EmbedderError("embedder.bad_argument",
                                what=f"batch_size must be at least 1, got {batch_size}")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._checked(self.encode_batched(texts, batch_size, on_progress), len(texts))

    def encode_batched(self, texts: list[str], batch_size: int,
                       on_progress: Callable[[int, int], None] | None) -> np.ndarray:
        """Passages in consecutive batches; a backend may schedule them better (onnx.py)."""
        parts = []
        for start in range(0, len(texts), batch_size):
            parts.append(self.encode(texts[start:start + batch_size], "passage"))
            if on_progress is not None:
                on_progress(min(start + batch_size, len(texts)), len(texts))
        return np.concatenate(parts)

    def _encode_checked(self, texts: list[str], kind: str) -> np.ndarray:
        """One place that guarantees the contract whatever the backend returns."""
        if kind not in KINDS:
            raise EmbedderError("embedder.bad_argument",
                                what=f"kind must be one of {KINDS}, got {kind!r}")
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._checked(self.encode(texts, kind), len(texts))

    def _checked(self, out, n: int) -> np.ndarray:
        out = np.asarray(out, dtype=np.float32)
        if out.shape != (n, self.dim):
            raise RuntimeError(f"{self.name}: got shape {out.shape} for {n} texts")
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.ascontiguousarray(out / np.maximum(norms, 1e-12))

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} dim={self.dim}>"
