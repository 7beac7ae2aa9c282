"""Writing an answer: the headline figure, the cited lines, one citation per passage.

A figure question's answer leads with its headline: the asked figure as printed, the
period its own statement states, its comparisons and any qualifier that narrows it
("816 tỷ đồng · 5 tháng đầu năm 2024 · đạt 23,7% kế hoạch · tăng 5,5% so với cùng kỳ").
Then each quoted unit with its period label and its [n], a footnote's text right after
the unit that cites it. A passage quoted for several units is one source, cited by one
number. ``figure_check`` holds every figure of the answer to its sources.
"""

from __future__ import annotations

from rag.answer.blocks import is_block
from rag.answer.labels import period_label
from rag.answer.pick import SPLITS
from rag.answer.sentences import TOKENS, Candidate
from rag.ingest.figures import FIGURE_RE
from rag.records import (
    Answer,
    AnswerItem,
    Citation,
    Footnote,
    Headline,
    Observation,
    Question,
    SearchResult,
)


class FigureCheckError(RuntimeError):
    """An answer would state a figure its sources do not contain: a bug, never shown."""


def figure_check(text: str, sources: list[str]) -> list[str]:
    """Figures in ``text`` that appear verbatim in none of ``sources`` (must be empty)."""
    return [m.group(0) for m in FIGURE_RE.finditer(text)
            if not any(m.group(0) in s for s in sources)]


def checked(text: str, sources: list[str]) -> None:
    bad = figure_check(text, sources)
    if bad:
        raise FigureCheckError(f"figures not found verbatim in the cited sources: {bad}")


def wanted_notes(cand: Candidate, terms: set[str], breakdown: bool) -> list[Footnote]:
    """Cited footnotes worth showing: all when a breakdown is asked, else those that
    hold question words the unit itself lacks (e.g. "lúa" only in the footnote),
    figures when the unit has none (the footnote is where the numbers are), or
    the split of the unit's figure ("Gồm: …")."""
    if cand.footnote is not None:
        return []
    notes = cand.hit.chunk.cited(cand.start, cand.end)
    if breakdown:
        return notes
    missing = terms - set(TOKENS.tokens(cand.text))
    bare = not FIGURE_RE.search(cand.text)
    return [f for f in notes if missing & set(TOKENS.tokens(f.text))
            or (bare and FIGURE_RE.search(f.text)) or SPLITS.match(f.text)]


def headline_of(stated: list[Observation], q: Question, n: int) -> Headline | None:
    """The statement a figure question asks for: the first one that is the whole (not a
    part, not narrowed) unless only parts are there."""
    if q.wants not in ("figure", "parts") or not stated:
        return None
    whole = [s for s in stated if not s.component and not s.scope]
    s = (whole or stated)[0]
    comps = tuple(_with_basis(c) for c in s.comparisons if c.basis != "denominator")
    period = s.period.label + (" (kế hoạch)" if s.is_plan else "")
    return Headline(s.indicator, s.figure, s.value, s.unit, period, comps, s.scope, n)


_BASIS_WORDS = {"mom": "so với tháng trước", "vs_start_of_year": "so với đầu năm"}


def _with_basis(c) -> str:
    """A comparison as the headline shows it: with its basis when its own words leave it
    out ("So với tháng trước, … tăng 4,37%" shows "tăng 4,37% so với tháng trước")."""
    words = _BASIS_WORDS.get(c.basis or "")
    return c.text if not words or "so" in c.text.lower().split() else f"{c.text} {words}"


class Sources:
    """The citations of an answer, one per passage, numbered in order of first use."""

    def __init__(self) -> None:
        self.units: dict[str, list[Candidate]] = {}
        self.notes: dict[str, list[Footnote]] = {}

    def cite(self, cand: Candidate, notes: list[Footnote]) -> int:
        key = cand.hit.chunk.chunk_id
        self.units.setdefault(key, []).append(cand)
        self.notes.setdefault(key, [])
        self.notes[key] += [f for f in notes if f not in self.notes[key]]
        return self.number(cand)

    def number(self, cand: Candidate) -> int:
        return list(self.units).index(cand.hit.chunk.chunk_id) + 1

    def citations(self) -> tuple[Citation, ...]:
        return tuple(_citation(n, units, self.notes[key])
                     for n, (key, units) in enumerate(self.units.items(), 1))


def _citation(n: int, units: list[Candidate], notes: list[Footnote]) -> Citation:
    first, chunk = units[0], units[0].hit.chunk
    body = sorted((u for u in units if u.footnote is None), key=lambda u: u.start)
    own_notes = [f for u in units if u.footnote is not None
                 for f in chunk.footnotes if f.n == u.footnote]
    # verbatim: from the first quoted unit of the passage to the last
    quote = chunk.text[body[0].start:max(u.end for u in body)] if body else first.text
    span = (chunk.start + body[0].start, chunk.start + max(u.end for u in body)) \
        if body else None
    in_quote = [f for u in body for f in chunk.cited(u.start, u.end)]
    sentence = body[0].sentence_text() if body else ""
    return Citation(
        n=n, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=first.hit.doc.title,
        period=chunk.period_label, section=chunk.section, page=chunk.page_start,
        quote=quote, span=span,
        figures=tuple(m.group(0) for u in units for m in FIGURE_RE.finditer(u.text)),
        footnotes=tuple(dict.fromkeys(own_notes + notes)),
        quote_footnotes=tuple(dict.fromkeys(in_quote + own_notes)),
        context=sentence if sentence and sentence != quote else "",
        scanned=first.hit.doc.ocr)


def label_of(cand: Candidate, stated: list[Observation]) -> str:
    """The unit's period: its statements' own, else the one its words or its report say."""
    if is_block(cand.hit.chunk):
        return ""  # a document's date, not a period
    own = list(dict.fromkeys(s.period.label for s in stated if s.stated))
    if len(own) == 1:
        return own[0]
    return period_label(cand.hit.chunk, cand.text, cand.sentence_text())


def write(q: Question, result: SearchResult, chosen: list[Candidate], terms: set[str],
          stated: dict[int, list[Observation]], head: int = 0) -> Answer:
    """The answer quoting ``chosen`` (``stated[i]``: the statements of unit i that answer
    the question; ``head``: the unit whose statement is the headline)."""
    sources, parts, items = Sources(), [], []
    for i, cand in enumerate(chosen):
        notes = wanted_notes(cand, terms, q.breakdown)
        n = sources.cite(cand, notes)
        label = label_of(cand, stated.get(i, []))
        prefix = f"Chú thích {cand.footnote} ({label})" if cand.footnote else label
        parts.append(f"{prefix}: {cand.text} [{n}]" if prefix else f"{cand.text} [{n}]")
        kind = "part" if i != head and (q.wants == "parts" or SPLITS.match(cand.text)) \
            else "statement"
        items.append(AnswerItem(kind, cand.text, n))
        for f in notes:
            parts.append(f"Chú thích {f.n}: {f.text} [{n}]")
            items.append(AnswerItem("note", f"Chú thích {f.n}: {f.text}", n))
    text = " ".join(parts)
    citations = sources.citations()
    head_n = sources.number(chosen[head]) if chosen else 1
    headline = headline_of(stated.get(head, []), q, head_n)
    texts = [c.quote for c in citations] + [f.text for c in citations for f in c.footnotes]
    texts += [c.hit.chunk.text for c in chosen]
    checked(text + (" " + headline.text if headline else ""), texts)
    return Answer(q.text, text, False, None, citations, result, headline, tuple(items))
