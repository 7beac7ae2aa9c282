"""``hash``: a deterministic bag-of-syllables embedder with no model, for tests and demos.

Tests whose subject is not the model (index, store, retrieval plumbing, the
app's state) use it so the suite does not load e5 everywhere. Each accent-
folded syllable and syllable pair is hashed (blake2b, stable across runs and
machines) into one of ``DIM`` signed buckets, so texts that share words are
near each other: enough for plumbing, far from a real model.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

from rag.embed.base import Embedder
from rag.text import fold_accents

DIM = 256
_WORD = re.compile(r"\w+", re.UNICODE)


def _bucket(token: str) -> tuple[int, float]:
    digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
    value = int.from_bytes(digest, "little")
    return value % DIM, 1.0 if (value >> 32) & 1 else -1.0


class HashEmbedder(Embedder):
    def __init__(self, name: str = "hash") -> None:
        self.name, self.dim = name, DIM

    def encode(self, texts: list[str], kind: str) -> np.ndarray:
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        for row, text in enumerate(texts):
            words = _WORD.findall(fold_accents(text.lower()))
            for token in words + [f"{a}_{b}" for a, b in zip(words, words[1:], strict=False)]:
                col, sign = _bucket(token)
                out[row, col] += sign
            if not words:
                out[row, 0] = 1.0
        return out
