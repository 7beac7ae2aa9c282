"""Answer candidates: the units and footnotes of the top hits, scored against a question.

A unit is a sentence, list item or figure clause (``rag.answer.units``).
Scoring is coverage of the question's topic words (a word found only in the
section path counts half), plus a bonus for a figure and for the hit's rank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.answer.units import split_units
from rag.config import AnalyzerConfig, AnswerConfig
from rag.index.analyzer import Analyzer
from rag.ingest.figures import FIGURE_RE
from rag.records import Hit
from rag.text import fold_accents

DATE_RE = re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/(?:19|20)\d{2}(?![\d/])"
                     r"|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}", re.IGNORECASE)
# "ngày nào", "khi nào", "bao giờ", "thời hạn", "trước ngày", a question opening on "ngày"
_WHEN = re.compile(r"^ngay\b|\b(ngay nao|khi nao|bao gio|thoi han|han chot|truoc ngay|"
                   r"vao ngay|ngay bao nhieu|thoi diem nao)\b")


def asks_when(question: str) -> bool:
    """A question whose answer is a date or a deadline (not a duration: "bao lâu")."""
    text = fold_accents(question.lower()).strip()
    return bool(_WHEN.search(text)) and "bao lau" not in text


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
    sentence: tuple[int, int] = (-1, -1)  # the sentence holding the unit (chunk offsets)

    @property
    def end(self) -> int:
        return self.start + len(self.text)

    def sentence_text(self) -> str:
        a, b = self.sentence
        return self.hit.chunk.text[a:b] if a >= 0 else self.text


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


@dataclass(frozen=True)
class Ask:
    """What candidates are scored against: the question's topic words, its numbers (a
    plan year, a resolution number) and the kinds of period it asks for."""

    terms: frozenset[str]
    numbers: frozenset[str] = frozenset()
    kinds: frozenset[str] = frozenset()  # "month", "cumulative", ...
    when: bool = False  # the question asks for a date or a deadline ("ngày nào", "thời hạn")


def question_numbers(question: str) -> frozenset[str]:
    return frozenset(t for t in TOKENS.tokens(question) if t[:1].isdigit())


def score(ask: Ask, text: str, context: str, rank: int, cfg: AnswerConfig,
          kinds: frozenset[str] = frozenset()) -> tuple[float, float]:
    """(score, coverage of the question's terms in ``text``, context counting less).
    ``context``: the section path and the part of the sentence before the unit."""
    if not ask.terms:
        return 0.0, 0.0
    own = set(TOKENS.tokens(text))
    ctx = set(TOKENS.tokens(context))
    found = sum(1.0 if t in own else cfg.section_weight if t in ctx else 0.0 for t in ask.terms)
    coverage = found / len(ask.terms)
    bonus = cfg.figure_bonus if FIGURE_RE.search(text) and not ask.when else 0.0
    if ask.when and DATE_RE.search(text):
        bonus += cfg.figure_bonus  # a date is the figure a "when" question asks for
    bonus += cfg.number_bonus * min(3, len(ask.numbers & (own | ctx)))
    if ask.kinds and kinds:
        bonus += cfg.kind_bonus if ask.kinds & kinds else -cfg.kind_bonus
    return coverage + bonus + cfg.rank_bonus / rank, coverage


def candidates(ask: Ask, hits: tuple[Hit, ...], cfg: AnswerConfig) -> list[Candidate]:
    from rag.answer.labels import unit_kinds

    out = []
    for hit in hits[:cfg.top_hits]:
        chunk = hit.chunk
        path = " ".join(chunk.section_path)
        for unit in split_units(chunk.text):
            prefix = chunk.text[unit.sentence[0]:unit.start]
            kinds = unit_kinds(unit.text, prefix, chunk.periods)
            s, cov = score(ask, unit.text, f"{path} {prefix}", hit.rank, cfg, kinds)
            out.append(Candidate(hit, unit.text, unit.start, None, s, cov, unit.sentence))
        for note in chunk.footnotes:
            at = next((off for n, off in chunk.markers if n == note.n), 0)
            kinds = unit_kinds(note.text, chunk.text[max(0, at - 400):at], chunk.periods)
            s, cov = score(ask, note.text, path, hit.rank, cfg, kinds)
            out.append(Candidate(hit, note.text, -1, note.n, s - cfg.footnote_penalty, cov))
    return sorted(out, key=lambda c: (-c.score, c.hit.rank, c.start))


def folded(text: str) -> str:
    return fold_accents(text.lower())
