"""Okapi BM25 as a sparse term x document matrix.

Scores are exactly those of ``rank_bm25.BM25Okapi`` (same idf with its
epsilon floor, same k1/b), which a test checks on the sample corpus. The
difference is speed: rank-bm25 loops over every document in Python for each
query term, while here a query is a sum of a few precomputed sparse rows, so
1M chunks answer in milliseconds (numbers in eval/BENCHMARKS.md). The matrix
is stored as plain ``.npy`` arrays plus a JSON vocabulary.
"""

from __future__ import annotations

import json
from array import array
from collections import Counter
from collections.abc import Iterable
from itertools import repeat
from pathlib import Path

import numpy as np
from scipy import sparse

K1, B, EPSILON = 1.5, 0.75, 0.25


class SparseBM25:
    def __init__(self, vocab: dict[str, int], weights: sparse.csr_matrix, n_docs: int) -> None:
        self.vocab = vocab
        self.weights = weights  # (n_terms, n_docs), BM25 term weight per document
        self.n_docs = n_docs

    @classmethod
    def build(cls, corpus_tokens: Iterable[list[str]]) -> SparseBM25:
        """One pass over the token lists (a generator is fine), postings kept in compact
        typed arrays: at 1M chunks Python lists of postings would need tens of GB."""
        vocab: dict[str, int] = {}
        rows, cols, tfs, lengths = array("i"), array("i"), array("f"), array("d")
        for doc, tokens in enumerate(corpus_tokens):
            lengths.append(len(tokens))
            counts = Counter(tokens)
            rows.extend(vocab.setdefault(term, len(vocab)) for term in counts)
            cols.extend(repeat(doc, len(counts)))
            tfs.extend(counts.values())
        n_docs = len(lengths)
        rows_a, cols_a = np.frombuffer(rows, dtype=np.int32), np.frombuffer(cols, dtype=np.int32)
        idf = _idf(np.bincount(rows_a, minlength=len(vocab)), n_docs)
        data = _term_weights(rows_a, cols_a, np.frombuffer(tfs, dtype=np.float32), idf,
                             np.frombuffer(lengths, dtype=np.float64))
        weights = sparse.csr_matrix((data, (rows_a, cols_a)), shape=(len(vocab), n_docs))
        return cls(vocab, weights, n_docs)

    def scores(self, query_tokens: list[str]) -> np.ndarray:
        """BM25 score of every document; repeated query terms count again, as in rank-bm25."""
        ids = [self.vocab[t] for t in query_tokens if t in self.vocab]
        if not ids:
            return np.zeros(self.n_docs, dtype=np.float32)
        counts = Counter(ids)
        rows = np.fromiter(counts.keys(), dtype=np.int64)
        mult = np.fromiter(counts.values(), dtype=np.float32)
        return np.asarray(self.weights[rows].T @ mult).ravel()

    def containing(self, tokens: list[str]) -> np.ndarray:
        """Rows holding every one of ``tokens`` (from the postings: no text is read)."""
        rows = np.ones(self.n_docs, dtype=bool)
        for t in tokens:
            has = np.zeros(self.n_docs, dtype=bool)
            if t in self.vocab:
                has[self.weights[self.vocab[t]].indices] = True
            rows &= has
        return rows

    def save(self, folder: Path) -> None:
        w = self.weights
        np.save(folder / "bm25_data.npy", w.data)
        np.save(folder / "bm25_indices.npy", w.indices)
        np.save(folder / "bm25_indptr.npy", w.indptr)
        meta = {"n_docs": self.n_docs, "n_terms": w.shape[0], "k1": K1, "b": B, "epsilon": EPSILON}
        (folder / "bm25_meta.json").write_text(json.dumps(meta))
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "bm25_vocab.json").write_text(json.dumps(terms, ensure_ascii=False))

    @classmethod
    def load(cls, folder: Path) -> SparseBM25:
        meta = json.loads((folder / "bm25_meta.json").read_text())
        terms = json.loads((folder / "bm25_vocab.json").read_text(encoding="utf-8"))
        arrays = [np.load(folder / f"bm25_{n}.npy", allow_pickle=False)
                  for n in ("data", "indices", "indptr")]
        weights = sparse.csr_matrix(tuple(arrays), shape=(meta["n_terms"], meta["n_docs"]))
        return cls({t: i for i, t in enumerate(terms)}, weights, meta["n_docs"])


def _term_weights(rows, cols, tfs, idf, lengths, block: int = 1 << 22) -> np.ndarray:
    """BM25 weight of every posting, computed in float64 blocks, stored as float32."""
    avgdl = max(lengths.mean(), 1e-9) if lengths.size else 1.0
    out = np.empty(rows.size, dtype=np.float32)
    for lo in range(0, rows.size, block):
        r, c, tf = rows[lo:lo + block], cols[lo:lo + block], tfs[lo:lo + block].astype(np.float64)
        norm = K1 * (1 - B + B * lengths[c] / avgdl)
        out[lo:lo + block] = idf[r] * tf * (K1 + 1) / (tf + norm)
    return out


def _idf(doc_freq: np.ndarray, n_docs: int) -> np.ndarray:
    """rank-bm25's idf: log((N - n + 0.5) / (n + 0.5)), negatives floored at eps * mean."""
    idf = np.log(n_docs - doc_freq + 0.5) - np.log(doc_freq + 0.5)
    if idf.size:
        floor = EPSILON * (idf.sum() / idf.size)
        idf = np.where(idf < 0, floor, idf)
    return idf


def top_k(scores: np.ndarray, k: int) -> list[int]:
    """Indices of the k best scores, ties broken by index for stable results."""
    k = min(k, scores.size)
    if k <= 0:
        return []
    part = np.argpartition(-scores, k - 1)[:k]
    return sorted(part.tolist(), key=lambda i: (-float(scores[i]), i))
