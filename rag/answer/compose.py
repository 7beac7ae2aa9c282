"""Compose: a read question and its ranked hits -> a short cited answer, or an abstention.

Extractive on purpose: the answer quotes the units (sentence, list item or figure clause)
that state what was asked, verbatim with their ``[n]``, so every figure can be checked
against its source (``figure_check`` enforces it). A unit may answer only if it meets the
question's requirements (``rag.answer.question``): its indicator, its place, its direction
(revenue or spending) and its period. The period of a unit with figures is the period its
statements state (``rag.answer.statements``), not its report's: a whole-year question is
never answered with six months, a month never with its cumulative figure. When no unit
states the asked period, the answer abstains and names the periods that exist.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.answer import question as need
from rag.answer.blocks import (
    front_first,
    is_block,
    prose_for_text,
    signer_candidate,
    signer_text,
    without_blocks,
)
from rag.answer.labels import nearest_period
from rag.answer.order import figure_first, fitting_first
from rag.answer.pick import pick
from rag.answer.sentences import (
    Ask,
    Candidate,
    candidates,
    content_terms,
    place_words,
    question_numbers,
)
from rag.answer.statements import Statements, answering, dated
from rag.answer.write import FigureCheckError, checked, figure_check, write
from rag.config import AnswerConfig
from rag.ingest.figures import FIGURE_RE
from rag.periods import covers, parse_periods
from rag.periods.match import answers, nearest
from rag.places import foreign_place
from rag.records import Answer, Observation, Period, Question, SearchResult

__all__ = ["FigureCheckError", "compose", "figure_check", "related_hits"]
# dev: a unit from a more recent report wins a question without a period when its
# coverage is within this margin of the best unit's
LATEST_MARGIN = 0.1
DATE_HITS = 5  # the passages searched for the question's date: the answer comes from these
NEAREST_SHOWN = 4  # periods named after "không có số liệu kỳ …"


def compose(q: Question, result: SearchResult, places: set[str] | None = None,
            cfg: AnswerConfig = AnswerConfig(), available: tuple[Period, ...] = (),
            statements: Statements | None = None) -> Answer:
    """The answer with [n] markers, or an abstention that says why. ``places``: every
    province the indexed texts name; ``available``: the periods the indexed reports cover;
    ``statements``: the index's statements (without them, units are dated by their report)."""
    place = foreign_place(q.text, places or set())
    if place:
        return abstain(q, result, "place_not_covered",
                       f"Không tìm thấy thông tin về {place} trong các báo cáo hiện có")
    if q.wants == "signer":
        return _signer_answer(q, result)
    if result.periods and not result.period_covered:
        if not _dated_in_text(q, result):
            return abstain(q, result, "period_not_covered",
                           _no_period(result.periods[0], available))
        asked = ()  # "đến 30/6/2026 phải …": a deadline the passage sets, not a period
    else:
        asked = q.figure_periods
    named = q.refs and q.wants in ("facts", "when") and not q.asks_own
    asks = q.asks_of_document if named else ""
    terms = (asks.strip() and content_terms(asks, place_words(places or set()))) or \
        content_terms(q.text, place_words(places or set()))
    ask = Ask(frozenset(terms), question_numbers(q.text), frozenset(p.kind for p in asked),
              q.asks_date)
    own = q.asks_own  # a document's number or date: its heading block states them
    hits = tuple(h for h in result.hits if need.has_indicator(q, chunk_text(h))
                 or own and is_block(h.chunk))
    if not hits and not q.term:  # an opening phrase said otherwise than the report says it
        hits = result.hits
    cands = prose_for_text(q, without_blocks(q, [c for c in candidates(ask, hits, cfg)
                                                 if _meets(q, c)]), cfg.min_coverage)
    dated = _dated(cands, statements)
    cands = fitting_first(q, cands, dated, cfg.min_coverage)
    monthly = statements.monthly if statements is not None else set()
    if asked:
        cands, other = _of_period(q, cands, asked, dated, cfg.min_coverage, monthly)
        if other and (not cands or cands[0].coverage < cfg.min_coverage):
            return abstain(q, result, "period_not_covered", _other_periods(asked[0], other))
    cands = figure_first(q, cands, cfg.min_coverage)
    if not cands or cands[0].coverage < cfg.min_coverage:
        where = f" về {q.place_label}" if q.places else ""
        return abstain(q, result, "no_answer",
                       f"Không tìm thấy đoạn nào trả lời câu hỏi{where} trong các báo cáo "
                       "hiện có")
    own_block = own and any(is_block(c.hit.chunk) for c in cands)  # its number: the block's
    if cands[0].hit.chunk.table is not None and not own_block:  # a row: its cell (cells.py)
        from rag.answer.cells import best_row, table_answer
        from rag.answer.rows import place_rows

        kept = {c.hit.chunk.chunk_id for c in cands}  # rows of the asked place and period
        rows = tuple(h for h in result.hits if h.chunk.chunk_id in kept)
        answer = place_rows(q, result) or table_answer(q.text, replace(result, hits=rows),
                                                       best_row(q.text, rows))
        if answer is not None:
            return answer
    if not result.periods:
        cands = _latest_first(cands)
    if q.wants == "facts":
        cands = front_first(cands, q)
    chosen = pick(cands, cfg, q)
    stated = {i: _answering(dated.get(id(c), []), asked, c, q.as_of, monthly)
              for i, c in enumerate(chosen)}
    return write(q, result, chosen, terms, stated, _head(chosen, stated))


def _dated(cands: list[Candidate], statements: Statements | None) -> dict[int, list]:
    """The statements of each unit (by ``id``): its figures, each with its own period."""
    if statements is None:
        return {}
    out = {}
    for c in cands:
        chunk = c.hit.chunk
        if chunk.table is not None:
            continue  # a table row is dated by its columns' headers
        if c.footnote is not None:
            out[id(c)] = dated(statements.in_note(chunk.doc_id, c.footnote))
        else:
            out[id(c)] = dated(statements.in_span(chunk.doc_id, chunk.start + c.start,
                                                  chunk.start + c.end))
    return out


def _answering(stated: list[Observation], asked: tuple[Period, ...], cand: Candidate,
               as_of: str | None, monthly: set[str]) -> list[Observation]:
    """The unit's statements of the asked period (else its figures to date of an asked
    month, which only reach the answer when no unit gives the month itself)."""
    if not asked:
        return stated
    periods = cand.hit.chunk.periods
    return (answering(stated, asked, periods, as_of=as_of)
            or answering(stated, asked, periods, True, as_of, monthly))


def _of_period(q: Question, cands: list[Candidate], asked: tuple[Period, ...],
               dated: dict[int, list], floor: float,
               monthly: set[str]) -> tuple[list[Candidate], list[Period]]:
    """The units that state the asked period, and the periods the others that are about
    the question (coverage at least ``floor``) state instead. A unit with figures answers by
    its statements' own periods, a table row by its columns' headers; one without figures
    by its report's period (text answers), but a figure question needs a figure of the
    asked period (a figure no statement dates counts). An asked month's figure to date
    stands in when it is the unit that fits the question best, above every unit dated for
    the month itself, labelled with its own period."""
    kept, other = _qualify(cands, asked, dated, floor, (monthly, q.as_of), False)
    if q.wants not in ("figure", "parts") or not other:
        return kept, other
    if any(a.kind == "month" for a in asked):
        wider, _ = _qualify(cands, asked, dated, floor, (monthly, q.as_of), True)
        best = next((i for i, c in enumerate(cands) if c.coverage >= floor), len(cands))
        if _first_dated(cands, wider, dated) == best < _first_dated(cands, kept, dated):
            kept = wider  # the unit that fits the question best is the figure to date
    stated = [c for c in kept if c.coverage >= floor
              and (dated.get(id(c)) or c.hit.chunk.table is not None)]
    unknown = [c for c in kept if c.coverage >= floor and FIGURE_RE.search(c.text)]
    return (kept, other) if stated or unknown else ([], other)


def _first_dated(cands: list[Candidate], kept: list[Candidate], dated: dict[int, list]) -> int:
    ids = {id(c) for c in kept if dated.get(id(c))}
    return next((i for i, c in enumerate(cands) if id(c) in ids), len(cands))


def _qualify(cands: list[Candidate], asked: tuple[Period, ...], dated: dict[int, list],
             floor: float, known: tuple[set[str], str | None],
             to_date: bool) -> tuple[list, list[Period]]:
    """(units of the asked period, periods the others state); ``known``: the indicators
    given for a month alone, and the cut-off the question asks by."""
    monthly, as_of = known
    kept, other = [], []
    for c in cands:
        stated = dated.get(id(c))
        if c.hit.chunk.table is not None:
            own = _column_periods(c.hit.chunk.table)
            if not own or _any_answers(own, asked, to_date):
                kept.append(c)
            elif c.coverage >= floor:
                other += own
        elif not stated:
            if _covers(c, asked):
                kept.append(c)
        elif answering(stated, asked, c.hit.chunk.periods, to_date, as_of, monthly):
            kept.append(c)
        else:
            certain = [s for s in stated if s.stated or len(c.hit.chunk.periods) <= 1]
            if not certain and any(answers(a, p) for a in asked for p in c.hit.chunk.periods):
                kept.append(c)  # its text states no period of its own: its report's may be
            elif certain and c.coverage >= floor:
                other += [s.period for s in certain]
    return kept, other


def _column_periods(ref) -> list[Period]:
    """The periods a table row's column headers name ("Ước thực hiện 6 tháng 2019")."""
    return [p for name in ref.columns
            for p in parse_periods(name, roles=("period", "plan"), header=True)]


def _any_answers(periods: list[Period], asked: tuple[Period, ...], to_date: bool) -> bool:
    from rag.periods.match import answers
    from rag.periods.match import to_date as up_to

    return any(answers(a, p) or to_date and up_to(a, p) for a in asked for p in periods)


def _other_periods(asked: Period, other: list[Period]) -> str:
    """"Không tìm thấy số liệu cả năm 2025 …; các kỳ có số liệu: 10 tháng đầu năm 2025 …"."""
    order = nearest(asked, other)[:NEAREST_SHOWN]
    labels = ", ".join(p.label for p in order)
    return (f"Không tìm thấy số liệu {asked.label} trong các báo cáo hiện có; các báo cáo "
            f"chỉ có số liệu {labels}")


def _head(chosen: list[Candidate], stated: dict[int, list]) -> int:
    """The unit whose statement heads the answer: the first that states a figure."""
    return next((i for i in range(len(chosen)) if stated.get(i)), 0)


def _signer_answer(q: Question, result: SearchResult) -> Answer:
    """Who signed the document the question names (the search puts its signature block
    first): the block whole, one citation; an abstention when it has none (a scan, a
    draft)."""
    cand = signer_candidate(result)
    if cand is None:
        return abstain(q, result, "no_answer",
                       "Không tìm thấy phần chữ ký của văn bản này trong các báo cáo hiện có")
    from rag.answer.write import Sources

    sources = Sources()
    sources.cite(cand, [])
    citations = sources.citations()
    text = signer_text(cand)
    checked(text, [citations[0].quote])
    return Answer(q.text, text, False, None, citations, result)


def related_hits(q: Question, hits, n: int = 3) -> tuple:
    """What to show after an abstention ("các đoạn gần nhất"): passages about the asked
    indicator, in the same direction (thu/chi), best first; none rather than other topics
    (a budget question must not list investment or seedling passages)."""
    on_topic = [h for h in hits if need.has_indicator(q, chunk_text(h))
                and need.same_direction(q, h.chunk.text) and not is_block(h.chunk)]
    return tuple(on_topic[:n])


_DATE = re.compile(r"\b(\d{1,2})/(\d{1,2})/((?:19|20)\d{2})\b")


def _dated_in_text(q: Question, result: SearchResult) -> bool:
    """A full date the question names is printed in a passage found that is about the
    asked indicator: the question asks what the text says of that date (a deadline, a
    cut-off), not for a report of the period it falls in."""
    if not q.dates:
        return False
    asked = set(q.dates)
    for h in result.hits[:DATE_HITS]:
        printed = {(int(d), int(m), int(y)) for d, m, y in _DATE.findall(h.chunk.text)}
        if asked & printed and need.has_indicator(q, chunk_text(h)):
            return True
    return False


def _no_period(asked: Period, available: tuple[Period, ...]) -> str:
    text = f"Không tìm thấy số liệu {asked.label} trong các báo cáo hiện có"
    near = nearest_period(asked, list(available))
    return text + (f"; kỳ gần nhất có báo cáo: {near.label}" if near else "")


def chunk_text(hit) -> str:
    """What a passage is about: its section path, its text and its footnotes."""
    notes = " ".join(f.text for f in hit.chunk.footnotes)
    return f"{hit.chunk.section} {hit.chunk.text} {notes}"


def _meets(q: Question, cand: Candidate) -> bool:
    """The unit's sentence, section or report names the asked place (or the report is
    about it) and the unit speaks of revenue when revenue is asked. (The indicator is
    required of the whole passage.)"""
    chunk, doc = cand.hit.chunk, cand.hit.doc
    caption = chunk.table.caption if chunk.table is not None else ""  # "… của UBND huyện X"
    if not need.names_place(q, f"{doc.title} {caption} {chunk.section} {cand.sentence_text()}",
                            doc.province, doc.places[:1]):
        return False
    return need.same_direction(q, cand.text)


def _covers(cand: Candidate, asked: tuple[Period, ...]) -> bool:
    """A unit without figures: the periods its words name, else its report's, cover one."""
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


def abstain(q: Question, result: SearchResult, reason: str, message: str) -> Answer:
    """An abstention that says why, and offers the passages closest to the question."""
    hits = related_hits(q, result.hits)
    related = []
    for h in hits:
        bits = [b for b in (h.chunk.section_path[-1:] + (h.chunk.period_label,)) if b]
        related.append(f"«{h.doc.title}»" + (f" ({'; '.join(bits)})" if bits else ""))
    text = message + "." + (" Có thể liên quan: " + "; ".join(related) + "." if related else "")
    return Answer(q.text, text, True, reason, (), result, related=hits)
