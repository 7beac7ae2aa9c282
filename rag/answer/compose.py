"""Compose: ranked hits -> a short cited Vietnamese answer, or an abstention.

Extractive on purpose: the answer leads with the unit (sentence, list item or
figure clause) that states the figure asked for, quoted verbatim with its
``[n]``, followed by the footnotes that split it; so every figure can be
checked against its source, and ``figure_check`` enforces that before an
answer leaves. A unit may answer only if it meets the question's requirements
(``rag.answer.question``): its indicator, its place, its direction (revenue or
spending) and its period.
"""

from __future__ import annotations

import re

from rag.answer import question as q
from rag.answer.labels import nearest_period, period_label
from rag.answer.sentences import (
    TOKENS,
    Ask,
    Candidate,
    asks_when,
    candidates,
    content_terms,
    folded,
    place_words,
    question_numbers,
)
from rag.config import AnswerConfig
from rag.ingest.figures import FIGURE_RE
from rag.ingest.front import FACT_LINE, prints_number
from rag.periods import covers, parse_periods
from rag.places import foreign_place
from rag.query.retrieve import asks_signer
from rag.records import (
    FACT_SECTIONS,
    FRONT_SECTION,
    SIGN_SECTION,
    Answer,
    Citation,
    Footnote,
    Period,
    SearchResult,
)

_BREAKDOWN = ("gom nhung", "bao gom", "co cau", "trong do", "chia theo", "cu the", "gom nhung gi",
              "thanh phan", "chi tiet", "nhung nguon", "nhung khoan", "gom", "chia ra",
              "phan theo", "tung loai", "tung nguon")
# A sentence or footnote opening like this splits the figure it follows or annotates:
# it is the breakdown officials ask for next, so it goes with the figure.
_SPLITS = re.compile(r"^(?:[-+]\s*)?(?:trong\s+đó|cụ\s+thể|bao\s+gồm|gồm|chia\s+ra)\b",
                     re.IGNORECASE)
# A clause opening like this narrows the figure before it ("…; tính riêng tại Hải quan …").
_NARROWS = re.compile(r"^(?:[-+]\s*)?(?:tính\s+riêng|riêng|trong\s+đó|chiếm)\b", re.IGNORECASE)
# dev: a unit from a more recent report wins a question without a period when its
# coverage is within this margin of the best unit's
LATEST_MARGIN = 0.1


class FigureCheckError(RuntimeError):
    """An answer would state a figure its sources do not contain: a bug, never shown."""


# A question for a document's own number or date ("công văn … số mấy, ngày nào?",
# "số hiệu văn bản", "ngày ban hành"): its heading block answers, not its body.
_DOC_WORDS = ("cong van", "van ban", "thong bao", "bao cao", "quyet dinh", "ke hoach", "cv ",
              "to trinh", "chi thi", "nghi quyet")
_DOC_FACTS = ("so may", "so hieu", "so bao nhieu", "so van ban", "ngay nao", "ngay ban hanh",
              "ban hanh ngay", "ky ngay", "ngay ky", "ngay thang")


def asks_document_facts(question: str) -> bool:
    text = f" {folded(question)} "
    return any(w in text for w in _DOC_FACTS) and any(f" {w}" in text for w in _DOC_WORDS)


def _is_block(chunk) -> bool:
    """A heading or signature block (number, date, subject; signer), not body text."""
    return chunk.section_path in FACT_SECTIONS


def _signer_answer(question: str, result: SearchResult) -> Answer:
    """Who signed the document the question names (the search puts its signature block
    first): the block whole, one citation; an abstention when it has none (a scan, a
    draft)."""
    hit = result.hits[0] if result.hits else None
    if hit is None or hit.chunk.section_path != (SIGN_SECTION,):
        return _abstain(question, result, "no_answer",
                        "Không tìm thấy phần chữ ký của văn bản này trong các báo cáo hiện có")
    cand = Candidate(hit, hit.chunk.text, 0, None, 1.0, 1.0, (0, len(hit.chunk.text)))
    lines = [line.strip() for line in hit.chunk.text.split("\n") if line.strip()]
    text = "Người ký: " + " — ".join(lines) + " [1]"
    citation = _citation(1, cand, [])
    bad = figure_check(text, [citation.quote])
    if bad:
        raise FigureCheckError(f"figures not found verbatim in the cited sources: {bad}")
    return Answer(question, text, False, None, (citation,), result)


def _front_first(cands: list[Candidate]) -> list[Candidate]:
    """Units of heading blocks that print a number first; a draft's "Số: /BC-UBND" names
    none, so the question is about a document its body cites."""
    front = [c for c in cands if c.hit.chunk.section_path == (FRONT_SECTION,)
             and prints_number(c.hit.chunk.text)]
    return front + [c for c in cands if c not in front]


def _no_front(cands: list[Candidate]) -> list[Candidate]:
    """A heading block answers only for a document's number, date or subject; a signature
    block only for its signer."""
    return [c for c in cands if not _is_block(c.hit.chunk)]


def asks_breakdown(question: str) -> bool:
    text = folded(question)
    return any(re.search(rf"\b{w}\b", text) for w in _BREAKDOWN)


def figure_check(text: str, sources: list[str]) -> list[str]:
    """Figures in ``text`` that appear verbatim in none of ``sources`` (must be empty)."""
    return [m.group(0) for m in FIGURE_RE.finditer(text)
            if not any(m.group(0) in s for s in sources)]


def compose(question: str, result: SearchResult, places: set[str] | None = None,
            cfg: AnswerConfig = AnswerConfig(),
            available: tuple[Period, ...] = ()) -> Answer:
    """The answer with [n] markers, or an abstention that says why. ``places``: every
    province the indexed texts name; ``available``: the periods the indexed reports cover."""
    places = places or set()
    place = foreign_place(question, places)
    if place:
        return _abstain(question, result, "place_not_covered",
                        f"Không tìm thấy thông tin về {place} trong các báo cáo hiện có")
    if asks_signer(question):
        return _signer_answer(question, result)
    req = q.requirements(question)
    asked = result.periods
    if asked and not result.period_covered:
        if not _dated_in_text(question, req, result):
            return _abstain(question, result, "period_not_covered",
                            _no_period_message(asked[0], available))
        asked = ()  # "đến 30/6/2026 phải …": a deadline the passage sets, not a period
    terms = content_terms(question, place_words(places))
    ask = Ask(frozenset(terms), question_numbers(question),
              frozenset(p.kind for p in asked), asks_when(question))
    hits = tuple(h for h in result.hits if q.has_indicator(req, _chunk_text(h)))
    if not hits and not req.term:  # an opening phrase said otherwise than the report says it
        hits = result.hits
    cands = [c for c in candidates(ask, hits, cfg) if _meets(req, c, asked)]
    facts = asks_document_facts(question)
    cands = cands if facts else _no_front(cands)
    if not cands or cands[0].coverage < cfg.min_coverage:
        where = f" về {q.named_place_label(question)}" if req.places else ""
        return _abstain(question, result, "no_answer",
                        f"Không tìm thấy đoạn nào trả lời câu hỏi{where} trong các báo cáo "
                        "hiện có")
    if cands[0].hit.chunk.table is not None:  # a table row: answer from its cell (cells.py)
        from rag.answer.cells import best_row, table_answer

        answer = table_answer(question, result, best_row(question, result.hits))
        if answer is not None:
            return answer
    if not result.periods:
        cands = _latest_first(cands)
    if facts:
        cands = _front_first(cands)
    return _answer(question, result, _pick(cands, cfg, req, asks_breakdown(question)), terms)


def related_hits(question: str, hits, n: int = 3) -> tuple:
    """What to show after an abstention ("các đoạn gần nhất"): passages about the asked
    indicator, in the same direction (thu/chi), best first; none rather than other topics
    (a budget question must not list investment or seedling passages)."""
    req = q.requirements(question)
    on_topic = [h for h in hits if q.has_indicator(req, _chunk_text(h))
                and q.same_direction(req, h.chunk.text)
                and not _is_block(h.chunk)]
    return tuple(on_topic[:n])


_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")
DATE_HITS = 5  # the passages searched for the question's date: the answer comes from these


def _dates(text: str) -> set[tuple[int, int, int]]:
    return {(int(d), int(m), int(y)) for d, m, y in _DATE.findall(text)}


def _dated_in_text(question: str, req: q.Requirements, result: SearchResult) -> bool:
    """A full date the question names is printed in a passage found that is about the
    asked indicator: the question asks what the text says of that date (a deadline, a
    cut-off), not for a report of the period it falls in."""
    asked = _dates(question)
    if not asked:
        return False
    return any(asked & _dates(h.chunk.text) and q.has_indicator(req, _chunk_text(h))
               for h in result.hits[:DATE_HITS])


def _no_period_message(asked: Period, available: tuple[Period, ...]) -> str:
    text = f"Không tìm thấy số liệu {asked.label} trong các báo cáo hiện có"
    near = nearest_period(asked, list(available))
    return text + (f"; kỳ gần nhất có báo cáo: {near.label}" if near else "")


def _chunk_text(hit) -> str:
    """What a passage is about: its section path, its text and its footnotes."""
    notes = " ".join(f.text for f in hit.chunk.footnotes)
    return f"{hit.chunk.section} {hit.chunk.text} {notes}"


def _meets(req: q.Requirements, cand: Candidate, asked: tuple[Period, ...]) -> bool:
    """The unit's report names the asked place (or is about it), the unit speaks of revenue
    when revenue is asked, and its period (its own, else its report's) covers the asked
    one. (The indicator is required of the whole passage, see ``compose``.)"""
    chunk, doc = cand.hit.chunk, cand.hit.doc
    caption = chunk.table.caption if chunk.table is not None else ""  # "… của UBND huyện X"
    if not q.names_place(req, f"{doc.title} {caption} {chunk.section} {cand.text}",
                         doc.province):
        return False
    if not q.same_direction(req, cand.text):
        return False
    return not asked or _covers(cand, asked)


def _covers(cand: Candidate, asked: tuple[Period, ...]) -> bool:
    chunk = cand.hit.chunk
    year = next((p.year for p in chunk.periods if p.year), None)
    own = [p for p in parse_periods(cand.text, default_year=year) if p.year]
    periods = own + list(chunk.periods)
    return not chunk.periods or any(covers(p, a) for p in periods for a in asked)


def _recency(cand: Candidate) -> tuple[int, int]:
    ends = [(p.year or 0, p.end_month) for p in cand.hit.chunk.periods]
    return max(ends, default=(0, 0))


def _latest_first(cands: list[Candidate]) -> list[Candidate]:
    """A question without a period is answered from the latest report that answers it as
    well (nearly) as the best one; the others are offered after it."""
    best = cands[0].coverage
    close = [c for c in cands if c.coverage >= best - LATEST_MARGIN]
    top = max(close, key=lambda c: (_recency(c), c.score))
    return [top] + [c for c in cands if c is not top]


def _continuation(best: Candidate, cands: list[Candidate]) -> Candidate | None:
    """The unit right after ``best`` when it splits best's figure ("Trong đó: ...")."""
    if best.footnote is not None or not FIGURE_RE.search(best.text):
        return None
    after = [c for c in cands if c.footnote is None and c.start >= best.end
             and c.hit.chunk.chunk_id == best.hit.chunk.chunk_id]
    nxt = min(after, key=lambda c: c.start, default=None)
    return nxt if nxt is not None and _SPLITS.match(nxt.text) else None


def _rest_of_sentence(best: Candidate, cands: list[Candidate],
                      later: bool = True) -> list[Candidate]:
    """The other (later) units of best's sentence: the parts of a breakdown."""
    return [c for c in cands if c.footnote is None and c.sentence == best.sentence
            and c is not best and (c.start >= best.end or not later)
            and c.hit.chunk.chunk_id == best.hit.chunk.chunk_id]


def _next_in_sentence(best: Candidate, cands: list[Candidate], cfg: AnswerConfig,
                      req: q.Requirements) -> Candidate | None:
    """The clause right after ``best`` in its sentence, when it goes on about what was asked
    ("… 755.950 lượt khách …; doanh thu 277 tỷ đồng …" for "khách và doanh thu")."""
    rest = _rest_of_sentence(best, cands)
    nxt = min(rest, key=lambda c: c.start, default=None)
    if nxt is None or not FIGURE_RE.search(nxt.text):
        return None
    other = len(req.indicator) > 1 and not q.has_indicator(
        q.Requirements(req.indicator[:1], (), None), nxt.text)
    narrows = bool(_NARROWS.match(nxt.text))
    return nxt if other or narrows or nxt.score >= cfg.clause_ratio * best.score else None


def _other_topics(chosen: list[Candidate], cands: list[Candidate],
                  req: q.Requirements) -> list[Candidate]:
    """For "A và B" questions: the best unit for each topic the chosen units leave out."""
    out: list[Candidate] = []
    doc = chosen[0].hit.doc.doc_id
    for head in req.indicator if len(req.indicator) > 1 else ():
        one = q.Requirements((head,), (), None)
        if any(q.has_indicator(one, c.sentence_text()) for c in chosen + out):
            continue
        found = next((c for c in cands if c.hit.doc.doc_id == doc and c not in chosen
                      and FIGURE_RE.search(c.text) and q.has_indicator(one, c.sentence_text())),
                     None)
        if found is not None:
            out.append(found)
    return out


def _front_facts(best: Candidate, cands: list[Candidate]) -> list[Candidate]:
    """A document's heading block answers with its number, date and subject together."""
    same = [c for c in cands if c.hit.chunk.chunk_id == best.hit.chunk.chunk_id]
    facts = [c for c in same if c is best or FACT_LINE.match(c.text)]
    return sorted(facts, key=lambda c: c.start)


def _pick(cands: list[Candidate], cfg: AnswerConfig, req: q.Requirements,
          breakdown: bool = False) -> list[Candidate]:
    best = cands[0]
    if best.hit.chunk.section_path == (FRONT_SECTION,):
        return _front_facts(best, cands)
    chosen = [best]
    if breakdown and best.footnote is None:
        chosen += sorted(_rest_of_sentence(best, cands, later=False), key=lambda c: c.start)
    elif best.footnote is None and (nxt := _next_in_sentence(best, cands, cfg, req)):
        chosen.append(nxt)
    cont = _continuation(best, cands)
    if cont is not None and cont not in chosen:
        chosen.append(cont)
    chosen += _other_topics(chosen, cands, req)
    for c in cands[1:]:
        if len(chosen) >= cfg.max_sentences + (cont is not None) or len(chosen) > 1:
            break
        same_chunk = c.hit.chunk.chunk_id == best.hit.chunk.chunk_id
        close = c.score >= cfg.close_ratio * best.score and c not in chosen
        adds_figure = FIGURE_RE.search(c.text) or not FIGURE_RE.search(best.text)
        if same_chunk and c.footnote is None and close and adds_figure:
            chosen.append(c)
    return sorted(chosen, key=lambda c: (c.hit.rank, c.start))


def _wanted_notes(cand: Candidate, terms: set[str], breakdown: bool) -> list[Footnote]:
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
            or (bare and FIGURE_RE.search(f.text)) or _SPLITS.match(f.text)]


def _answer(question: str, result: SearchResult, chosen: list[Candidate],
            terms: set[str]) -> Answer:
    breakdown = asks_breakdown(question)
    citations: list[Citation] = []
    parts: list[str] = []
    for cand in chosen:
        notes = _wanted_notes(cand, terms, breakdown)
        n = len(citations) + 1
        front = _is_block(cand.hit.chunk)  # a date, not a period
        label = "" if front else period_label(cand.hit.chunk, cand.text, cand.sentence_text())
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
    context = ""
    if cand.footnote is not None:
        note = next(f for f in chunk.footnotes if f.n == cand.footnote)
        notes, span, in_quote = [note], None, [note]
    else:
        span = (chunk.start + cand.start, chunk.start + cand.end)
        in_quote = chunk.cited(cand.start, cand.end)
        sentence = cand.sentence_text()
        context = sentence if sentence != cand.text else ""
    return Citation(
        n=n, chunk_id=chunk.chunk_id, doc_id=chunk.doc_id, title=hit.doc.title,
        period=chunk.period_label, section=chunk.section, page=chunk.page_start,
        quote=cand.text, span=span,
        figures=tuple(m.group(0) for m in FIGURE_RE.finditer(cand.text)),
        footnotes=tuple(notes), quote_footnotes=tuple(in_quote), context=context,
        scanned=hit.doc.ocr,
    )


def _abstain(question: str, result: SearchResult, reason: str, message: str) -> Answer:
    related = []
    for h in related_hits(question, result.hits):
        bits = [b for b in (h.chunk.section_path[-1:] + (h.chunk.period_label,)) if b]
        related.append(f"«{h.doc.title}»" + (f" ({'; '.join(bits)})" if bits else ""))
    text = message + "." + (" Có thể liên quan: " + "; ".join(related) + "." if related else "")
    return Answer(question, text, True, reason, (), result)
