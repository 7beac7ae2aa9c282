"""Answer stage: ranked hits -> a short cited Vietnamese answer, or an abstention.

Extractive on purpose: every sentence of an answer is a sentence of a report
(or of one of its footnotes), quoted verbatim, so every figure can be checked
against its source; ``figure_check`` enforces that before an answer leaves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rag.analyze import Analyzer, AnalyzerConfig, fold_accents
from rag.figures import FIGURE_RE
from rag.places import foreign_place
from rag.records import Chunk
from rag.retrieve import Hit, SearchResult

_SENT_SPLIT = re.compile(r"(?<=[.!?])\s+(?=[^\W\d_])")
_BREAKDOWN = ("gom nhung", "bao gom", "co cau", "trong do", "chia theo", "cu the", "gom nhung gi",
              "thanh phan", "chi tiet", "nhung nguon", "nhung khoan", "gom", "chia ra",
              "phan theo", "tung loai", "tung nguon")
# A sentence or footnote opening like this splits the figure it follows or annotates:
# it is the breakdown officials ask for next, so it goes with the figure.
_SPLITS = re.compile(r"^(?:trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra)\b", re.IGNORECASE)
_CUMULATIVE = ("luy ke", "tu dau nam", "thang dau nam", "tinh tu dau", "het thang")
# "Hết tháng 5" is the total up to the end of May, not May's own figure.
_MONTH_WORDS = re.compile(r"\btrong thang\b|(?<!het )\bthang 0?\d{1,2}\b(?!\s*dau)")
_STOP = {
    "bao", "nhieu", "la", "gi", "nhu", "the", "nao", "cua", "trong", "thang", "nam", "quy",
    "tinh", "lang", "son", "co", "duoc", "ket", "qua", "hinh", "so", "lieu", "va", "cac", "nhung",
    "o", "tai", "ve", "dat", "bang", "dau", "t", "i", "ii", "iii", "iv", "hien", "nay", "may",
    "ra", "sao", "khong", "nho", "cho", "biet", "xin", "toi", "muon", "hoi",
}
MIN_COVERAGE = 0.34
MAX_SENTENCES = 2
_TOKENS = Analyzer(AnalyzerConfig(fold="only", bigrams=False, segment="none"))


class FigureCheckError(RuntimeError):
    """An answer would state a figure its sources do not contain: a bug, never shown."""


@dataclass
class Citation:
    n: int
    chunk_id: str
    doc: str
    title: str
    period: str
    section: str
    page: int | None
    quote: str
    figures: list[str]
    footnotes: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        return dict(self.__dict__)


@dataclass
class Answer:
    question: str
    text: str
    abstained: bool
    reason: str | None
    citations: list[Citation]
    result: SearchResult

    def to_dict(self) -> dict:
        return {
            "question": self.question, "answer": self.text, "abstained": self.abstained,
            "reason": self.reason, "citations": [c.to_dict() for c in self.citations],
            "hits": self.result.to_dict()["hits"],
            "period": self.result.to_dict()["period"],
            "period_covered": self.result.period_covered,
        }


@dataclass
class Candidate:
    """A sentence (or footnote text) of a hit, scored against the question."""

    hit: Hit
    text: str
    start: int  # offset in the chunk text; -1 for a footnote
    footnote: int | None
    score: float
    coverage: float


def content_terms(question: str) -> set[str]:
    """Folded syllables (and expanded abbreviations) that carry the question's topic."""
    return {t for t in _TOKENS.tokens(question)
            if t not in _STOP and not t.replace(",", "").replace("/", "").isdigit()}


def split_sentences(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in _SENT_SPLIT.split(text):
        start = text.find(part, pos)
        out.append((start, part))
        pos = start + len(part)
    return out


def asks_breakdown(question: str) -> bool:
    folded = fold_accents(question.lower())
    return any(re.search(rf"\b{w}\b", folded) for w in _BREAKDOWN)


def _score(terms: set[str], text: str, context: str, rank: int) -> tuple[float, float]:
    """Coverage of the question's terms (own text counts fully, section path half)."""
    if not terms:
        return 0.0, 0.0
    own = set(_TOKENS.tokens(text))
    ctx = set(_TOKENS.tokens(context))
    hits = sum(1.0 if t in own else 0.5 if t in ctx else 0.0 for t in terms)
    coverage = hits / len(terms)
    has_figure = 0.3 if FIGURE_RE.search(text) else 0.0
    return coverage + has_figure + 0.3 / rank, coverage


def candidates(question: str, hits: list[Hit], top: int = 5) -> list[Candidate]:
    terms = content_terms(question)
    out = []
    for hit in hits[:top]:
        ctx = " ".join(hit.chunk.section_path)
        for start, sent in split_sentences(hit.chunk.text):
            score, cov = _score(terms, sent, ctx, hit.rank)
            out.append(Candidate(hit, sent, start, None, score, cov))
        for note in hit.chunk.footnotes:
            score, cov = _score(terms, note.text, ctx, hit.rank)
            out.append(Candidate(hit, note.text, -1, note.n, score - 0.05, cov))
    return sorted(out, key=lambda c: (-c.score, c.hit.rank, c.start))


def cited_footnotes(chunk: Chunk, start: int, end: int) -> list[dict]:
    """Footnotes whose markers stand inside [start, end] of the chunk text."""
    numbers = [n for n, off in chunk.markers if start <= off <= end]
    return [{"n": f.n, "text": f.text} for f in chunk.footnotes if f.n in numbers]


def period_label(chunk: Chunk, sentence: str) -> str:
    """Say whether a figure is the month's or the cumulative one when a report has both."""
    periods = list(chunk.periods)
    if len(periods) > 1:
        folded = fold_accents(sentence.lower())
        wanted = set()
        if any(w in folded for w in _CUMULATIVE):
            wanted.add("cumulative")
        if not wanted or _MONTH_WORDS.search(folded):
            wanted.add("month")
        periods = [p for p in periods if p.kind in wanted] or periods
    return "; ".join(p.label for p in periods)


def figure_check(text: str, sources: list[str]) -> list[str]:
    """Figures in ``text`` that appear verbatim in none of ``sources`` (must be empty)."""
    return [m.group(0) for m in FIGURE_RE.finditer(text)
            if not any(m.group(0) in s for s in sources)]


def _continuation(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The sentence right after ``best`` when it splits best's figure ("Trong đó: ...")."""
    if best.footnote is not None or not FIGURE_RE.search(best.text):
        return None
    after = [c for c in cands if c.footnote is None and c.start > best.start
             and c.hit.chunk.chunk_id == best.hit.chunk.chunk_id]
    nxt = min(after, key=lambda c: c.start, default=None)
    return nxt if nxt is not None and _SPLITS.match(nxt.text) else None


def _pick(cands: list[Candidate]) -> list[Candidate]:
    best = cands[0]
    chosen = [best]
    cont = _continuation(best, cands)
    if cont is not None:
        chosen.append(cont)
    for c in cands[1:]:
        if len(chosen) >= MAX_SENTENCES + (cont is not None):
            break
        same_chunk = c.hit.chunk.chunk_id == best.hit.chunk.chunk_id
        close = c.score >= 0.8 * best.score and c not in chosen
        adds_figure = FIGURE_RE.search(c.text) or not FIGURE_RE.search(best.text)
        if same_chunk and c.footnote is None and close and adds_figure:
            chosen.append(c)
    return sorted(chosen, key=lambda c: (c.hit.rank, c.start))


def compose(question: str, result: SearchResult, place_names: set[str] | None = None) -> Answer:
    """The answer paragraph with [n] markers, or an abstention that says why."""
    place = foreign_place(question, place_names or set())
    if place:
        return _abstain(question, result, "place_not_covered",
                        f"Không tìm thấy thông tin về {place} trong các báo cáo hiện có")
    if result.periods and not result.period_covered:
        label = result.periods[0].label
        return _abstain(question, result, "period_not_covered",
                        f"Không tìm thấy số liệu {label} trong các báo cáo hiện có")
    cands = candidates(question, result.hits)
    if not cands or cands[0].coverage < MIN_COVERAGE:
        return _abstain(question, result, "no_answer",
                        "Không tìm thấy đoạn nào trả lời câu hỏi trong các báo cáo hiện có")
    return _answer(question, result, _pick(cands))


def _wanted_notes(question: str, cand: Candidate, breakdown: bool) -> list[dict]:
    """Cited footnotes worth showing: all when a breakdown is asked, else those that
    hold question words the sentence itself lacks (e.g. "lúa" only in the footnote),
    figures when the sentence has none (the footnote is where the numbers are), or
    the split of the sentence's figure ("Gồm: …")."""
    if cand.footnote is not None:
        return []
    chunk = cand.hit.chunk
    notes = cited_footnotes(chunk, cand.start, cand.start + len(cand.text))
    if breakdown:
        return notes
    missing = content_terms(question) - set(_TOKENS.tokens(cand.text))
    bare = not FIGURE_RE.search(cand.text)
    return [f for f in notes if missing & set(_TOKENS.tokens(f["text"]))
            or (bare and FIGURE_RE.search(f["text"])) or _SPLITS.match(f["text"])]


def _answer(question: str, result: SearchResult, chosen: list[Candidate]) -> Answer:
    breakdown = asks_breakdown(question)
    citations: list[Citation] = []
    parts: list[str] = []
    for cand in chosen:
        chunk = cand.hit.chunk
        notes = _wanted_notes(question, cand, breakdown)
        n = len(citations) + 1
        label = period_label(chunk, cand.text)
        prefix = f"Chú thích {cand.footnote} ({label})" if cand.footnote else label
        parts.append(f"{prefix}: {cand.text} [{n}]" if prefix else f"{cand.text} [{n}]")
        if notes:
            parts.extend(f"Chú thích {f['n']}: {f['text']} [{n}]" for f in notes)
        citations.append(_citation(n, cand, notes))
    text = " ".join(parts)
    sources = [c.quote for c in citations] + [f["text"] for c in citations for f in c.footnotes]
    bad = figure_check(text, sources + [c.hit.chunk.text for c in chosen])
    if bad:
        raise FigureCheckError(f"figures not found verbatim in the cited sources: {bad}")
    return Answer(question, text, False, None, citations, result)


def _citation(n: int, cand: Candidate, notes: list[dict]) -> Citation:
    chunk, hit = cand.hit.chunk, cand.hit
    quote = cand.text
    if cand.footnote is not None:
        notes = [{"n": cand.footnote, "text": cand.text}]
    return Citation(
        n=n, chunk_id=chunk.chunk_id, doc=chunk.doc_id, title=hit.doc.title,
        period=", ".join(p.label for p in chunk.periods), section=" > ".join(chunk.section_path),
        page=chunk.page_start, quote=quote,
        figures=[m.group(0) for m in FIGURE_RE.finditer(quote)], footnotes=notes,
    )


def _abstain(question: str, result: SearchResult, reason: str, message: str) -> Answer:
    related = [f"«{h.doc.title}» ({h.chunk.section_path[-1] if h.chunk.section_path else ''})"
               for h in result.hits[:3]]
    text = message + "." + (" Có thể liên quan: " + "; ".join(related) + "." if related else "")
    return Answer(question, text, True, reason, [], result)

