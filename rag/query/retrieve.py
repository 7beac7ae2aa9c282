"""Retrieve stage: a question -> ranked ``Hit`` records, hybrid and period-aware.

The same topics recur in every report (thu ngân sách, giải ngân, XNK…), so
the period in the question decides which report is right: chunks of reports
whose period matches exactly are kept and the rest filtered out; with only
partial matches they are boosted instead. Next-period task lists are kept
apart from results unless the question asks about tasks.
"""

from __future__ import annotations

import re
import time
from functools import cache

import numpy as np

from rag.config import RetrievalConfig
from rag.embed import Embedder
from rag.index import Index
from rag.index.bm25 import top_k
from rag.ingest.tables.words import is_total
from rag.periods import parse_query_periods
from rag.query import fusion, rewrite
from rag.query.filters import covered, group_match, period_groups
from rag.records import SIGN_SECTION, Hit, Period, SearchResult
from rag.text import fold_accents

_TASK_WORDS = ("nhiem vu", "giai phap", "trong tam", "phuong huong", "dinh huong",
               "du kien", "se trien khai", "thang toi", "quy toi", "tiep theo")


_ROMAN = frozenset(("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"))


def label_words(text: str) -> frozenset[str]:
    """Folded words of a label or question, without numbering ("1.2", "II", "a")."""
    words = re.findall(r"[^\W\d_]+", fold_accents(text.lower()))
    return frozenset(w for w in words if len(w) > 1 and w not in _ROMAN)


# "ai ký", "người ký", "do ai ký", "ký bởi": who signed (the signature block answers)
_SIGNER = re.compile(r"\b(ai|nguoi|ai la nguoi|ai da)\s+ky\b|\bky boi\b")


def asks_signer(query: str) -> bool:
    return bool(_SIGNER.search(fold_accents(query.lower())))


def signature_first(hits: list[tuple[int, float]], row: int | None) -> list[tuple[int, float]]:
    """``row`` (the signature block of the first hit's document) first: a signer question
    names a document (its number, its subject), and that document's block says who signed."""
    if not hits or row is None:
        return hits
    return [(row, hits[0][1])] + [(i, s) for i, s in hits if i != row]


def asks_about_tasks(query: str) -> bool:
    folded = fold_accents(query.lower())
    return any(w in folded for w in _TASK_WORDS)


@cache
def _blas():
    """Numpy's OpenBLAS threads keep spinning after a matrix product and starve torch's
    threads on 2 cores: the query embedding went from 35 to 109 ms at 1M chunks.
    Retrieval's products are small, so BLAS runs single-threaded inside a search."""
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


class Retriever:
    def __init__(self, index: Index, embedder: Embedder,
                 config: RetrievalConfig = RetrievalConfig()) -> None:
        self.index = index
        self.embedder = embedder
        self.config = config
        # next-period task lists of periodic reports (they repeat the results' topic words);
        # a directive or notice has tasks without a plan period and is not held back
        self._plan = np.array([c.is_plan and bool(c.periods) for c in index.chunks], dtype=bool)
        # chunks of reports that state their period (title or heading): a question for
        # another period can leave them out; the others are always searched
        self._stated = np.array([index.docs[c.doc_id].stated_period for c in index.chunks],
                                dtype=bool)
        self._groups, self._group_of = period_groups(index.chunks)
        self._paths = {i: tuple(label_words(level) for level in c.table.label_path
                                if not is_total(level))  # "TỔNG SỐ" names the caption's whole
                       for i, c in enumerate(index.chunks) if c.table is not None}
        self._signs = {c.doc_id: i for i, c in enumerate(index.chunks)
                       if c.section_path == (SIGN_SECTION,)}
        texts = rewrite.sample([c.text for c in index.chunks])
        self.accents = rewrite.build_table(texts) if config.rewrite_dense_query else None

    def dense_query(self, query: str) -> str:
        """The query as the embedder sees it (see ``rag.query.rewrite``)."""
        return rewrite.dense_query(query, self.accents) if self.accents else query

    def search(self, query: str, k: int = 10, doc_ids: list[str] | None = None,
               period: str | None = None, mode: str | None = None) -> SearchResult:
        """``doc_ids`` restricts to reports; ``period`` (e.g. "tháng 5/2024") overrides the
        period read from the question."""
        t0 = time.perf_counter()
        periods = parse_query_periods(period or query)
        tasks = asks_about_tasks(query)
        allowed, boost, is_covered = self._restrict(periods, doc_ids, tasks)
        with _blas().limit(limits=1, user_api="blas"):
            scores = self._fused(query, allowed, mode or self.config.mode)
        scores = fusion.apply_boosts(scores, {i: float(boost[i]) for i in scores})
        scores = fusion.apply_boosts(scores, self._row_factors(query, scores))
        chunks, docs = self.index.chunks, self.index.docs
        ranked = fusion.ranked(scores, k)
        if asks_signer(query) and ranked:
            sign = self._signs.get(chunks[ranked[0][0]].doc_id)
            ranked = signature_first(ranked, sign)[:k]
        hits = tuple(Hit(r + 1, s, chunks[i], docs[chunks[i].doc_id])
                     for r, (i, s) in enumerate(ranked))
        return SearchResult(query, tuple(periods), is_covered, tasks, hits,
                            (time.perf_counter() - t0) * 1000, tuple(doc_ids or ()), period)

    def _row_factors(self, query: str, scores: dict[int, float]) -> dict[int, float]:
        rows = [i for i in scores if i in self._paths]
        if not rows:
            return {}
        words = set(label_words(query))
        penalty = self.config.unnamed_row_penalty
        return {i: fusion.unnamed_row_factor(words, self._paths[i], penalty) for i in rows}

    def _restrict(self, periods: list[Period], doc_ids: list[str] | None,
                  tasks: bool) -> tuple[np.ndarray | None, np.ndarray, bool]:
        """Rows allowed, a per-row score factor (period match, plans), period covered."""
        n = len(self.index.chunks)
        mask = np.ones(n, dtype=bool)
        if doc_ids:
            mask[:] = False
            for d in doc_ids:
                mask[self.index.doc_rows.get(d, [])] = True
        boost = np.ones(n, dtype=np.float32)
        is_covered = True
        if periods:
            match = group_match(periods, self._groups)[self._group_of]
            stated = mask & self._stated
            best = float(match[stated].max()) if stated.any() else 0.0
            is_covered = covered(periods, self._groups, self._group_of[mask])
            if best >= 1.0:
                mask &= (match >= 1.0) | ~self._stated
            else:
                boost = np.where(mask & (match > 0),
                                 1 + self.config.partial_period_boost * match, 1.0)
        if not tasks and (mask & ~self._plan).any():
            boost = np.where(mask & self._plan, boost * self.config.plan_penalty, boost)
        allowed = None if mask.all() else np.flatnonzero(mask)
        return allowed, boost, is_covered

    def _fused(self, query: str, allowed: np.ndarray | None, mode: str) -> dict[int, float]:
        c = self.config.candidates
        dense, sparse = [], []
        if mode in ("hybrid", "dense"):
            qv = self.embedder.embed_query(self.dense_query(query))
            dense = [i for i, _ in self.index.dense.search(qv, c, allowed)]
        if mode in ("hybrid", "bm25"):
            scores = self.index.bm25.scores(self.index.analyzer.tokens(query))
            if allowed is not None:
                masked = np.full_like(scores, -np.inf)
                masked[allowed] = scores[allowed]
                scores = masked
            sparse = [i for i in top_k(scores, c) if np.isfinite(scores[i]) and scores[i] > 0]
        w = self.config.dense_weight
        if mode == "dense":
            return fusion.rrf([dense], [1.0], self.config.rrf_k)
        if mode == "bm25":
            return fusion.rrf([sparse], [1.0], self.config.rrf_k)
        return fusion.rrf([dense, sparse], [w, 1 - w], self.config.rrf_k)
