"""Compose: ranked hits -> a short cited Vietnamese answer, or an abstention.

Extractive on purpose: every sentence of an answer is a sentence of a report
(or of one of its footnotes), quoted verbatim, so every figure can be checked
against its source; ``figure_check`` enforces that before an answer leaves.
"""

from __future__ import annotations

import re

from rag.answer.sentences import (
    TOKENS,
    Candidate,
    candidates,
    content_terms,
    folded,
    place_words,
)
from rag.config import AnswerConfig
from rag.ingest.figures import FIGURE_RE
from rag.query.places import foreign_place
from rag.records import Answer, Chunk, Citation, Footnote, SearchResult

_BREAKDOWN = ("gom nhung", "bao gom", "co cau", "trong do", "chia theo", "cu the", "gom nhung gi",
              "thanh phan", "chi tiet", "nhung nguon", "nhung khoan", "gom", "chia ra",
              "phan theo", "tung loai", "tung nguon")
# A sentence or footnote opening like this splits the figure it follows or annotates:
# it is the breakdown officials ask for next, so it goes with the figure.
_SPLITS = re.compile(r"^(?:trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra)\b", re.IGNORECASE)
_CUMULATIVE = ("luy ke", "tu dau nam", "thang dau nam", "tinh tu dau", "het thang")
# "Hết tháng 5" is the total up to the end of May, not May's own figure.
_MONTH_WORDS = re.compile(r"\btrong thang\b|(?<!het )\bthang 0?\d{1,2}\b(?!\s*dau)")


class FigureCheckError(RuntimeError):
    """An answer would state a figure its sources do not contain: a bug, never shown."""


def asks_breakdown(question: str) -> bool:
    text = folded(question)
    return any(re.search(rf"\b{w}\b", text) for w in _BREAKDOWN)


def period_label(chunk: Chunk, sentence: str) -> str:
    """Say whether a figure is the month's or the cumulative one when a report has both."""
    periods = list(chunk.periods)
    if len(periods) > 1:
        text = folded(sentence)
        wanted = set()
        if any(w in text for w in _CUMULATIVE):
            wanted.add("cumulative")
        if not wanted or _MONTH_WORDS.search(text):
            wanted.add("month")
        periods = [p for p in periods if p.kind in wanted] or periods
    return "; ".join(p.label for p in periods)


def figure_check(text: str, sources: list[str]) -> list[str]:
    """Figures in ``text`` that appear verbatim in none of ``sources`` (must be empty)."""
    return [m.group(0) for m in FIGURE_RE.finditer(text)
            if not any(m.group(0) in s for s in sources)]


def compose(question: str, result: SearchResult, places: set[str] | None = None,
            cfg: AnswerConfig = AnswerConfig()) -> Answer:
    """The answer paragraph with [n] markers, or an abstention that says why.
    ``places``: the provinces the indexed reports are about."""
    places = places or set()
    place = foreign_place(question, places)
    if place:
        return _abstain(question, result, "place_not_covered",
                        f"Không tìm thấy thông tin về {place} trong các báo cáo hiện có")
    if result.periods and not result.period_covered:
        label = result.periods[0].label
        return _abstain(question, result, "period_not_covered",
                        f"Không tìm thấy số liệu {label} trong các báo cáo hiện có")
    terms = content_terms(question, place_words(places))
    cands = candidates(terms, result.hits, cfg)
    if not cands or cands[0].coverage < cfg.min_coverage:
        return _abstain(question, result, "no_answer",
                        "Không tìm thấy đoạn nào trả lời câu hỏi trong các báo cáo hiện có")
    if cands[0].hit.chunk.table is not None:  # a table row: answer from its cell (cells.py)
        from rag.answer.cells import best_row, table_answer

        answer = table_answer(question, result, best_row(question, result.hits))
        if answer is not None:
            return answer
    return _answer(question, result, _pick(cands, cfg), terms)


def _continuation(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The sentence right after ``best`` when it splits best's figure ("Trong đó: ...")."""
    if best.footnote is not None or not FIGURE_RE.search(best.text):
        return None
    after = [c for c in cands if c.footnote is None and c.start > best.start
             and c.hit.chunk.chunk_id == best.hit.chunk.chunk_id]
    nxt = min(after, key=lambda c: c.start, default=None)
    return nxt if nxt is not None and _SPLITS.match(nxt.text) else None


def _pick(cands: list[Candidate], cfg: AnswerConfig) -> list[Candidate]:
    best = cands[0]
    chosen = [best]
    cont = _continuation(best, cands)
    if cont is not None:
        chosen.append(cont)
    for c in cands[1:]:
        if len(chosen) >= cfg.max_sentences + (cont is not None):
            break
        same_chunk = c.hit.chunk.chunk_id == best.hit.chunk.chunk_id
        close = c.score >= cfg.close_ratio * best.score and c not in chosen
        adds_figure = FIGURE_RE.search(c.text) or not FIGURE_RE.search(best.text)
        if same_chunk and c.footnote is None and close and adds_figure:
            chosen.append(c)
    return sorted(chosen, key=lambda c: (c.hit.rank, c.start))


def _wanted_notes(cand: Candidate, terms: set[str], breakdown: bool) -> list[Footnote]:
    """Cited footnotes worth showing: all when a breakdown is asked, else those that
    hold question words the sentence itself lacks (e.g. "lúa" only in the footnote),
    figures when the sentence has none (the footnote is where the numbers are), or
    the split of the sentence's figure ("Gồm: …")."""
    if cand.footnote is not None:
        return []
    notes = cand.hit.chunk.cited(cand.start, cand.start + len(cand.text))
    if breakdown:
        return notes
    missing = terms - set(TOKENS.tokens(cand.text))
    bare = not FIGURE_RE.search(cand.text)
    return [f for f in notes if missing & set(TOKENS.tokens(f.text))
            or (bare and FIGURE_RE.search(f.text)) or _SPLITS.match(f.text)]


def _answer(question: str, result: SearchResult, chosen: list[Candidate],
            terms: set[str]) -> Answer:
    breakdown = asks_breakdown(question)
    citations: list[Citation] = []
    parts: list[str] = []
    for cand in chosen:
        notes = _wanted_notes(cand, terms, breakdown)
        n = len(citations) + 1
        label = period_label(cand.hit.chunk, cand.text)
        prefix = f"Chú thích {cand.footnote} ({label})" if cand.footnote else label
        parts.append(f"{prefix}: {cand.text} [{n}]" if prefix else f"{cand.text} [{n}]")
        parts.extend(f"Chú thích {f.n}: {f.text} [{n}]" for f in notes)
        citations.append(_citation(n, cand, notes))
    text = " ".join(parts)
    sources = [c.quote for c in citations] + [f.text for c in citations for f in c.footnotes]
    bad = figure_check(text, sources + [c.hit.chunk.text for c in chosen])
    if bad:
        raise FigureCheckError(f"figures not found verbatim in the cited sources: {bad}")
    return Answer(question, text, False, None, tuple(citations), result)


def _citation(n: int, cand: Candidate, notes: list[Footnote]) -> Citation:
    chunk, hit = cand.hit.chunk, cand.hit
    if cand.footnote is not None:
        note = next(f for f in chunk.footnotes if f.n == cand.footnote)
        notes, span, in_quote = [note], None, [note]
    else:
        span = (chunk.start + cand.start, chunk.start + cand.start + len(cand.text))
        in_quote = chunk.cited(cand.start, cand.start + len(cand.text))
    return Citation(
        n=n, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=hit.doc.title,
        period=chunk.period_label, section=chunk.section, page=chunk.page_start,
        quote=cand.text, span=span,
        figures=tuple(m.group(0) for m in FIGURE_RE.finditer(cand.text)),
        footnotes=tuple(notes), quote_footnotes=tuple(in_quote), scanned=hit.doc.ocr,
    )


def _abstain(question: str, result: SearchResult, reason: str, message: str) -> Answer:
    related = [f"«{h.doc.title}» ({h.chunk.section_path[-1] if h.chunk.section_path else ''})"
               for h in result.hits[:3]]
    text = message + "." + (" Có thể liên quan: " + "; ".join(related) + "." if related else "")
    return Answer(question, text, True, reason, (), result)
