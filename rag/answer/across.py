"""Questions across periods: one line per period, each figure cited to its own report.

A question is "across periods" when it names two or more periods or a span ("từ 2021
đến nay", "qua các kỳ", "các năm", "xu hướng", "so với", "so sánh"). The answer lists
the indicator's figures in time order: the figure as printed, its comparisons, and [n]
citing the report and chunk it comes from. The month and the cumulative figure are
separate lines; a period asked for that no report gives is named ("không có số liệu
tháng 2/2023"); when two reports give the same period, both figures are shown, each with
its report (an early estimate is revised later, never silently merged). Every figure
passes the composer's figure check before the answer leaves.
"""

from __future__ import annotations

import re

from rag.answer.series import Series, best_key, period_order, series_of
from rag.answer.write import checked
from rag.index.observations import observations_of
from rag.ingest.figures import FIGURE_RE
from rag.records import Across, Answer, Chunk, Citation, Observation, Period, Question, SearchResult
from rag.text import fold_accents

_SAME_CLASS = {"half": "cumulative"}


def _same(asked: Period, got: Period) -> bool:
    kind = _SAME_CLASS.get(asked.kind, asked.kind)
    if asked.year is not None and asked.year != got.year:
        return False
    if kind == "year":
        return True  # a year asked: every figure of that year, each with its own period
    return (kind == _SAME_CLASS.get(got.kind, got.kind)
            and (asked.start_month, asked.end_month) == (got.start_month, got.end_month))


def select(series: Series, ask: Across) -> tuple[list[Observation], list[Period]]:
    """The rows the question asks for, and the asked periods no row gives."""
    rows = list(series.rows)
    if ask.start_year is not None or ask.end_year is not None:
        lo, hi = ask.start_year or 0, ask.end_year or 9999
        return [r for r in rows if lo <= (r.period.year or 0) <= hi], []
    if len(ask.periods) < 2:
        return rows, []
    chosen, missing = [], []
    for p in ask.periods:
        hits = [r for r in rows if _same(p, r.period)]
        chosen.extend(h for h in hits if h not in chosen)
        if not hits:
            missing.append(p)
    chosen.sort(key=lambda o: (period_order(o.period), o.as_of or "", o.doc_id))
    return chosen, missing


def totals(observations: list[Observation], q: Question) -> list[Observation]:
    """The statements a series of the asked indicator may hold: results, not plans; and
    not a figure narrowed to a part of the whole its name says ("tính riêng tại Hải quan
    …"), unless the question names that part. (A component has a name of its own: "thu
    nội địa" is its own series.)"""
    def named(o: Observation) -> bool:
        words = fold_accents(o.scope.lower()).replace("tinh rieng", "").split()
        return all(w in q.folded for w in words[:3])
    return [o for o in observations if not o.is_plan and (not o.scope or named(o))]


def across_rows(q: Question, index, doc_ids=None):
    """(series, rows, missing periods) a cross-period question asks for, or None when the
    ordinary composer should answer (not such a question, a period filter set, another
    province asked, or no indicator of the index named). The web app's chart reads this."""
    homes = {fold_accents(d.province.lower()) for d in index.docs.values() if d.province}
    if q.period_filter or any(p not in homes for p in q.places):
        return None  # a place no report is about: the composer says what it has of it
    if q.across is None:
        return None
    observations = totals(observations_of(index), q)
    key = best_key(observations, q.text, q.across.periods)
    if key is None:
        return None
    series = series_of(observations, key, doc_ids=doc_ids)
    rows, missing = select(series, q.across)
    return (series, rows, missing) if rows else None


def answer_across_periods(q: Question, index, result: SearchResult,
                          doc_ids=None) -> Answer | None:
    """The cross-period answer, or None to let the ordinary composer answer."""
    found = across_rows(q, index, doc_ids)
    if found is None:
        return None
    series, rows, missing = found
    return compose_across(q.text, series, rows, missing, index, result)


def row_label(o: Observation) -> str:
    """The period of a figure as officials write it, with its cut-off date when it has one."""
    if not o.as_of:
        return o.period.label
    parts = [str(int(p)) for p in o.as_of.split("-")]
    return f"{o.period.label} (đến {'/'.join(reversed(parts))})"


def _figure(o: Observation) -> str:
    """The figure as printed; a unit the row does not print goes in brackets (so the
    figure check, which reads number+unit, only ever sees printed figures)."""
    if not o.unit or re.search(r"[^\d\s.,/]", o.figure or ""):
        return o.figure
    return f"{o.figure} ({o.unit})"


def lines_of(rows: list[Observation], docs: dict) -> list[str]:
    """One line per figure: period, figure (with its qualifier when it covers only part of
    the whole), comparisons (without the [n] marker)."""
    by_period: dict[Period, set[str]] = {}
    for o in rows:
        by_period.setdefault(o.period, set()).add(o.doc_id)
    out = []
    for o in rows:
        label = row_label(o)
        if len(by_period[o.period]) > 1:
            info = docs.get(o.doc_id)
            label += f" (theo báo cáo {info.period_label if info else o.doc_id})"
        comps = ", ".join(c.text for c in o.comparisons if c.kind != "other"
                          or c.basis != "denominator")
        scope = f" ({o.scope})" if o.scope else ""  # a part keeps its qualifier
        out.append(f"{label}: {_figure(o)}{scope}" + (f", {comps}" if comps else ""))
    return out


def compose_across(question: str, series: Series, rows: list[Observation],
                   missing: list[Period], index, result: SearchResult) -> Answer:
    """The Answer record: a heading, one cited line per figure, the missing periods."""
    chunks = _chunk_map(index)
    citations = [_citation(n, o, chunks, index.docs) for n, o in enumerate(rows, 1)]
    head = series.indicator[:1].upper() + series.indicator[1:]
    parts = [f"{head} qua các kỳ báo cáo ({len(rows)} số liệu):"]
    parts += [f"- {line} [{n}]." for n, line in enumerate(lines_of(rows, index.docs), 1)]
    if missing:
        parts.append("Không có số liệu " + ", ".join(p.label for p in missing)
                     + " trong các báo cáo hiện có.")
    parts.append("Mỗi dòng là số liệu của chính báo cáo được trích; số ước của kỳ trước "
                 "có thể được báo cáo sau điều chỉnh.")
    text = "\n".join(parts)
    sources = [c.quote for c in citations] + [f.text for c in citations for f in c.footnotes]
    checked(text, sources)
    return Answer(question, text, False, None, tuple(citations), result, series=tuple(rows))


def _citation(n: int, o: Observation, chunks: dict[str, Chunk], docs: dict) -> Citation:
    chunk = chunks.get(o.chunk_id)
    info = docs.get(o.doc_id)
    notes, in_quote = (), ()
    if chunk is not None and o.footnote is not None:
        notes = in_quote = tuple(f for f in chunk.footnotes if f.n == o.footnote)
    elif chunk is not None and o.span is not None:
        in_quote = tuple(chunk.cited(o.span[0] - chunk.start, o.span[1] - chunk.start))
    return Citation(
        n=n, chunk_id=o.chunk_id, doc_id=o.doc_id, title=info.title if info else o.doc_id,
        period=row_label(o), section=chunk.section if chunk else "",
        page=chunk.page_start if chunk else None, quote=o.quote, span=o.span,
        figures=tuple(m.group(0) for m in FIGURE_RE.finditer(o.quote)),
        footnotes=notes, quote_footnotes=in_quote)


_CHUNKS: dict[str, tuple[int, dict[str, Chunk]]] = {}


def _chunk_map(index) -> dict[str, Chunk]:
    key = str(index.folder)
    cached = _CHUNKS.get(key)
    if cached is None or cached[0] != id(index.chunks):
        _CHUNKS.clear()  # one live version at a time is enough
        cached = (id(index.chunks), {c.chunk_id: c for c in index.chunks})
        _CHUNKS[key] = cached
    return cached[1]


def other_periods(index, question: str, shown: Period | None = None,
                  doc_ids=None) -> list[Observation]:
    """For the composer: the indicator's figures of the periods other than ``shown``
    (latest first), so a question without a period can offer "các kỳ khác: …"."""
    observations = observations_of(index)
    key = best_key((o for o in observations if not o.is_plan), question)
    if key is None:
        return []
    rows = [o for o in series_of(observations, key, doc_ids=doc_ids).rows
            if shown is None or o.period != shown]
    return sorted(rows, key=lambda o: period_order(o.period), reverse=True)


def offer_line(rows: list[Observation], limit: int = 6) -> str:
    """"Các kỳ khác: tháng 1/2023, quý I/2022, …" (periods only, no figure to check)."""
    labels = list(dict.fromkeys(row_label(o) for o in rows))[:limit]
    return "Các kỳ khác: " + ", ".join(labels) + "." if labels else ""


__all__ = ["across_rows", "answer_across_periods", "compose_across", "offer_line",
           "other_periods", "select", "totals"]
