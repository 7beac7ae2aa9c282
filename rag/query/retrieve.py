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
from rag.periods.match import answers
from rag.places import provinces
from rag.query import fusion, rewrite
from rag.query.filters import covered, group_match, period_groups
from rag.query.question import province_spans
from rag.records import FRONT_SECTION, SIGN_SECTION, Hit, Period, Question, SearchResult
from rag.text import fold_accents

_ROMAN = frozenset(("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"))


def label_words(text: str) -> frozenset[str]:
    """Folded words of a label or question, without numbering ("1.2", "II", "a")."""
    words = re.findall(r"[^\W\d_]+", fold_accents(text.lower()))
    return frozenset(w for w in words if len(w) > 1 and w not in _ROMAN)


def signature_first(hits: list[tuple[int, float]], row: int | None) -> list[tuple[int, float]]:
    """``row`` (a block of the first hit's document) first: a signer question names a
    document (its number, its subject), and that document's signature block says who
    signed; its heading block prints its own number and date of issue."""
    if not hits or row is None:
        return hits
    return [(row, hits[0][1])] + [(i, s) for i, s in hits if i != row]


def _about(info) -> frozenset[str]:
    """The places a report is about (folded): its home province, the provinces its title
    names, the place its text names most."""
    from rag.places import places_in

    names = [info.province or "", *places_in([info.title]), *info.places[:1]]
    return frozenset(fold_accents(n.lower()) for n in names if n)


_OWN_NUMBER = re.compile(r"\bSố\s*(?:hiệu)?\s*[:.]?\s*(\d{1,5})\s*/", re.IGNORECASE)
OPENING = 600  # characters of a report's first passage that say what it is


def own_numbers(index) -> dict[str, frozenset[str]]:
    """Each report's own numbers: "Số: 2639/QĐ-TTg" in its heading block or first passage,
    and the documents its title or its opening cites ("Nghị quyết số 245/2025/QH15 …")."""
    from rag.query.question import cited_numbers

    first: dict[str, object] = {}
    out: dict[str, set[str]] = {d: set(cited_numbers(info.title)) for d, info in index.docs.items()}
    for c in index.chunks:
        if c.doc_id not in first or c.start < first[c.doc_id].start:
            first[c.doc_id] = c
        if c.section_path == (FRONT_SECTION,):
            out[c.doc_id].update(m.group(1) for m in _OWN_NUMBER.finditer(c.text))
    for doc_id, c in first.items():
        opening = c.text[:OPENING]
        out[doc_id].update(m.group(1) for m in _OWN_NUMBER.finditer(opening))
        out[doc_id].update(cited_numbers(opening))
    return {d: frozenset(n.lstrip("0") or "0" for n in v) for d, v in out.items()}


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
        self._fronts = {c.doc_id: i for i, c in enumerate(index.chunks)
                        if c.section_path == (FRONT_SECTION,)}
        self._numbers = own_numbers(index)
        # the places each report is about: its home province, the place its title names,
        # the place its text names most (folded)
        self._where = {d: _about(info) for d, info in index.docs.items()}
        self._plans = {d: info.plan_periods for d, info in index.docs.items()}
        self._provinces = frozenset(fold_accents(p.lower()) for p in provinces())
        texts = rewrite.sample([c.text for c in index.chunks])
        self.accents = rewrite.build_table(texts) if config.rewrite_dense_query else None

    def dense_query(self, query: str) -> str:
        """The query as the embedder sees it (see ``rag.query.rewrite``)."""
        return rewrite.dense_query(query, self.accents) if self.accents else query

    def search(self, q: Question, k: int = 10, doc_ids: list[str] | None = None,
               mode: str | None = None) -> SearchResult:
        """``doc_ids`` restricts to reports; the question's periods (its own, else its period
        filter's) pick the reports."""
        t0 = time.perf_counter()
        periods = list(q.periods)
        cited = self._cited(q, doc_ids)
        placed, text = self._placed(q)
        # a cited document is searched whatever period its title gives: its text decides
        allowed, boost, is_covered = self._restrict([] if cited else periods,
                                                    cited or doc_ids, q.tasks, placed)
        with _blas().limit(limits=1, user_api="blas"):
            scores = self._fused(text, allowed, mode or self.config.mode)
        scores = fusion.apply_boosts(scores, {i: float(boost[i]) for i in scores})
        scores = fusion.apply_boosts(scores, self._row_factors(q.text, scores))
        chunks, docs = self.index.chunks, self.index.docs
        ranked = fusion.ranked(scores, k)
        if q.wants == "signer" and ranked:
            sign = self._signs.get(chunks[ranked[0][0]].doc_id)
            ranked = signature_first(ranked, sign)[:k]
        elif q.asks_own and ranked:  # "… số mấy, ngày nào": its heading block prints them
            ranked = signature_first(ranked, self._fronts.get(chunks[ranked[0][0]].doc_id))[:k]
        hits = tuple(Hit(r + 1, s, chunks[i], docs[chunks[i].doc_id])
                     for r, (i, s) in enumerate(ranked))
        return SearchResult(q.text, tuple(periods), is_covered, q.tasks, hits,
                            (time.perf_counter() - t0) * 1000, tuple(doc_ids or ()),
                            q.period_filter, q.overridden)

    def _placed(self, q: Question) -> tuple[np.ndarray | None, str]:
        """A province the question names is a filter, not a word to score: the passages of
        the reports about it, and the passages of other reports that name it; the words are
        then searched without it (in its own reports its name says nothing of the topic,
        yet would rank first the passages that repeat it)."""
        asked = {p for p in q.places if p in self._provinces}
        if not asked:
            return None, q.text
        rows = np.zeros(len(self.index.chunks), dtype=bool)
        for d, about in self._where.items():
            if about & asked:
                rows[self.index.doc_rows.get(d, [])] = True
        analyzer, bm25 = self.index.analyzer, self.index.bm25
        for place in asked:
            names = [t for t in analyzer.tokens(place) if "_" in t] or analyzer.tokens(place)
            rows |= bm25.containing(names)
        text = q.text
        for a, b in sorted(province_spans(q.text), reverse=True):
            text = text[:a] + " " * (b - a) + text[b:]
        return rows, text if text.strip() else q.text

    def _cited(self, q: Question, doc_ids: list[str] | None) -> list[str]:
        """A question that cites a document by its number ("theo QĐ 2639", "TB 627") is
        about that document: the reports whose own number (or title) it is, if any."""
        if not q.refs:
            return []
        return [d for d, numbers in self._numbers.items() if numbers & set(q.refs)
                and (not doc_ids or d in doc_ids)]

    def _row_factors(self, query: str, scores: dict[int, float]) -> dict[int, float]:
        rows = [i for i in scores if i in self._paths]
        if not rows:
            return {}
        words = set(label_words(query)) | label_words(rewrite.expand_abbreviations(query))
        penalty = self.config.unnamed_row_penalty
        return {i: fusion.unnamed_row_factor(words, self._paths[i], penalty) for i in rows}

    def _restrict(self, periods: list[Period], doc_ids: list[str] | None, tasks: bool,
                  placed: np.ndarray | None = None
                  ) -> tuple[np.ndarray | None, np.ndarray, bool]:
        """Rows allowed, a per-row score factor (period match, plans), period covered;
        ``placed``: the rows a place the question names allows."""
        n = len(self.index.chunks)
        mask = np.ones(n, dtype=bool) if placed is None else placed.copy()
        if doc_ids:
            docs = np.zeros(n, dtype=bool)
            for d in doc_ids:
                docs[self.index.doc_rows.get(d, [])] = True
            mask &= docs
        boost = np.ones(n, dtype=np.float32)
        is_covered = True
        if periods:
            match = group_match(periods, self._groups)[self._group_of]
            stated = mask & self._stated
            best = float(match[stated].max()) if stated.any() else 0.0
            is_covered = covered(periods, self._groups, self._group_of[mask]) \
                or self._planned(periods, mask)
            if best >= 1.0:
                mask &= (match >= 1.0) | ~self._stated
            else:
                boost = np.where(mask & (match > 0),
                                 1 + self.config.partial_period_boost * match, 1.0)
        if not tasks and (mask & ~self._plan).any():
            boost = np.where(mask & self._plan, boost * self.config.plan_penalty, boost)
        allowed = None if mask.all() else np.flatnonzero(mask)
        return allowed, boost, is_covered

    def _planned(self, periods: list[Period], mask: np.ndarray) -> bool:
        """Some allowed report plans for exactly an asked period ("đến năm 2030"): a plan's
        target is asked, not a report of that period."""
        for d, plans in self._plans.items():
            rows = self.index.doc_rows.get(d, [])
            if plans and len(rows) and mask[rows].any() \
                    and any(answers(a, p) for p in plans for a in periods):
                return True
        return False

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
