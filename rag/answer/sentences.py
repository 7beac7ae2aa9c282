"""Answer candidates: the sentences and footnotes of the top hits, scored against a question.

Scoring is coverage of the question's topic words (a word found only in the
section path counts half), plus a bonus for a figure and for the hit's rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.config import AnalyzerConfig, AnswerConfig
from rag.index.analyzer import Analyzer
from rag.ingest.figures import FIGURE_RE
from rag.records import Hit
from rag.text import fold_accents

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_])")
# Question words and function words that carry no topic. Place names are not here:
# those of the indexed reports are passed in (``places``), whatever the province.
_STOP = frozenset({
    "bao", "nhieu", "la", "gi", "nhu", "the", "nao", "cua", "trong", "thang", "nam", "quy",
    "tinh", "co", "duoc", "ket", "qua", "hinh", "so", "lieu", "va", "cac", "nhung",
    "o", "tai", "ve", "dat", "bang", "dau", "t", "i", "ii", "iii", "iv", "hien", "nay", "may",
    "ra", "sao", "khong", "nho", "cho", "biet", "xin", "toi", "muon", "hoi",
})
TOKENS = Analyzer(AnalyzerConfig(fold="only", bigrams=False, segment="none"))


@dataclass(frozen=True)
class Candidate:
    """A sentence (or footnote text) of a hit, scored against the question."""

    hit: Hit
    text: str
    start: int  # offset in the chunk text; -1 for a footnote
    footnote: int | None
    score: float
    coverage: float


def place_words(places: set[str]) -> frozenset[str]:
    """Folded syllables of the indexed reports' place names ("Lạng Sơn" -> lang, son)."""
    return frozenset(w for p in places for w in TOKENS.tokens(p))


def content_terms(question: str, places: frozenset[str] = frozenset()) -> set[str]:
    """Folded syllables (and expanded abbreviations) that carry the question's topic."""
    return {t for t in TOKENS.tokens(question)
            if t not in _STOP and t not in places
            and not t.replace(",", "").replace("/", "").isdigit()}


def split_sentences(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in _SENT_SPLIT.split(text):
        start = text.find(part, pos)
        out.append((start, part))
        pos = start + len(part)
    return out


def score(terms: set[str], text: str, context: str, rank: int,
          cfg: AnswerConfig) -> tuple[float, float]:
    """(score, coverage of the question's terms in ``text``, section path counting less)."""
    if not terms:
        return 0.0, 0.0
    own = set(TOKENS.tokens(text))
    ctx = set(TOKENS.tokens(context))
    found = sum(1.0 if t in own else cfg.section_weight if t in ctx else 0.0 for t in terms)
    coverage = found / len(terms)
    has_figure = cfg.figure_bonus if FIGURE_RE.search(text) else 0.0
    return coverage + has_figure + cfg.rank_bonus / rank, coverage


def candidates(terms: set[str], hits: tuple[Hit, ...], cfg: AnswerConfig) -> list[Candidate]:
    out = []
    for hit in hits[:cfg.top_hits]:
        ctx = " ".join(hit.chunk.section_path)
        for start, sent in split_sentences(hit.chunk.text):
            s, cov = score(terms, sent, ctx, hit.rank, cfg)
            out.append(Candidate(hit, sent, start, None, s, cov))
        for note in hit.chunk.footnotes:
            s, cov = score(terms, note.text, ctx, hit.rank, cfg)
            out.append(Candidate(hit, note.text, -1, note.n, s - cfg.footnote_penalty, cov))
    return sorted(out, key=lambda c: (-c.score, c.hit.rank, c.start))


def folded(text: str) -> str:
    return fold_accents(text.lower())
