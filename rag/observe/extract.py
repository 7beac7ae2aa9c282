"""Chunks -> observations: every figure sentence, list item and footnote of a report.

Extraction runs over a report's chunks (text, offsets, periods, footnotes). Chunks of
one section overlap, so their text is first merged back into the section's text (a
chunk is ``Document.text[start:end]``); each sentence is read once and its observations
cite the chunk that holds the whole sentence. A footnote is read in the context of the
clause that cites it (its period, plan flag and subject). A table-row chunk
("Chỉ tiêu: … | ĐVT: ha | TH 2019: 2.100,00") goes to ``rag.observe.table``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from itertools import groupby

from rag.observe import table
from rag.observe.sentence import Context, Draft, cue_before, paragraph_cues, read_sentence
from rag.observe.when import Cue, ReportTime, find_cues
from rag.records import Chunk, DocInfo, Footnote, Observation, Period

_SENT = re.compile(r"(?<=;)\s+(?=[\-–+•])|(?<=[.!?])\s+(?=[^\W\d_])|\n+")
_BREAKDOWN = re.compile(r"^\W*(?:trong\s+đó|gồm|bao\s+gồm|cụ\s+thể|chia\s+ra)\b", re.IGNORECASE)


@dataclass
class _Section:
    """The merged text of consecutive overlapping chunks of one section."""

    chunks: list[Chunk]
    start: int
    text: str = ""
    drafts: list[tuple[int, Draft]] = field(default_factory=list)  # (doc offset, draft)


def extract(chunks: Sequence[Chunk], info: DocInfo | None = None) -> list[Observation]:
    """Observations of one report's chunks, in text order, each figure once."""
    year = int(info.date[:4]) if info is not None and info.date else None
    known = Known(year, info.plan_periods if info is not None else (),
                  info.date if info is not None else None)
    out: list[Observation] = []
    rows = [c for c in chunks if table.is_row(c.text) or (c.table and c.table.specs)]
    prose = [c for c in chunks if c not in rows]
    for c in rows:
        out.extend(table.extract_row(c, year))
    sections = list(_sections(prose))
    for sec in sections:
        out.extend(_read_section(sec, known))
    out.extend(_footnotes(sections, known))
    return out


def extract_all(chunks: Iterable[Chunk], docs: dict[str, DocInfo]) -> list[Observation]:
    """Observations of every report of an index (chunks grouped by report)."""
    out: list[Observation] = []
    for doc_id, group in groupby(sorted(chunks, key=lambda c: (c.doc_id, c.start)),
                                 key=lambda c: c.doc_id):
        out.extend(extract(list(group), docs.get(doc_id)))
    return out


def _sections(chunks: Sequence[Chunk]) -> Iterable[_Section]:
    key = lambda c: (c.doc_id, c.section_path, c.is_plan)  # noqa: E731
    for _, group in groupby(sorted(chunks, key=lambda c: c.start), key=key):
        cur: _Section | None = None
        for c in group:
            if cur is not None and c.start <= cur.start + len(cur.text):
                cur.text += c.text[cur.start + len(cur.text) - c.start:]
                cur.chunks.append(c)
                continue
            if cur is not None:
                yield cur
            cur = _Section([c], c.start, c.text)
        if cur is not None:
            yield cur


def sentences(text: str) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a line break or a sentence end closes a sentence."""
    out, pos = [], 0
    for m in _SENT.finditer(text + "\n"):
        piece = text[pos:m.start()]
        if piece.strip():
            lead = len(piece) - len(piece.lstrip())
            out.append((pos + lead, piece.strip()))
        pos = m.end()
    return out


@dataclass(frozen=True)
class Known:
    """What a report says of its time besides its passages' periods: its date's year and
    the plan horizons of its title ("… giai đoạn 2026-2030")."""

    year: int | None
    plans: tuple[Period, ...] = ()
    issued: str | None = None  # its date of issue, ISO


def _time(chunk: Chunk, known: Known) -> ReportTime:
    return ReportTime.of(chunk.periods, known.year, known.plans, known.issued)


def _read_section(sec: _Section, known: Known) -> list[Observation]:
    first = sec.chunks[0]
    rt = _time(first, known)
    out = []
    heading = heading_cue(first.section_path)
    for p_start, para in _paragraphs(sec.text):
        carried = paragraph_cues(para)
        last: Draft | None = None  # the paragraph's last figure so far
        for s_off, sent in sentences(para):
            ctx = Context(rt, first.is_plan, cue_before(carried, s_off) or heading)
            if last is not None and _BREAKDOWN.match(sent):
                ctx = replace(ctx, is_plan=last.is_plan, parent=last, breakdown=True)
            start = sec.start + p_start + s_off
            for d in read_sentence(sent, ctx):
                last = d if not d.component else last
                sec.drafts.append((start + d.start, d))
                chunk = _holder(sec.chunks, start, start + len(sent), start + d.start)
                out.append(_observation(d, chunk, sent, (start, start + len(sent)), None,
                                        start + d.start))
    return out


def heading_cue(path: tuple[str, ...]) -> Cue | None:
    """The period the nearest heading above names, when it names one ("1. Mục tiêu đến năm
    2030", "III. KẾT QUẢ 9 THÁNG NĂM 2021"): a figure whose sentence states none is for it
    rather than for the report's title period. A heading naming two ("THÁNG 5 VÀ 5 THÁNG
    NĂM 2024") decides nothing."""
    for title in reversed(path):
        cues = [c for c in find_cues(title) if c.role != "asof"]
        if cues:
            distinct = {(c.kind, c.year, c.first, c.last) for c in cues}
            return cues[0] if len(distinct) == 1 else None
    return None


def _paragraphs(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for part in text.split("\n\n"):
        out.append((pos, part))
        pos += len(part) + 2
    return out


def _holder(chunks: list[Chunk], start: int, end: int, at: int) -> Chunk:
    """The chunk holding the whole sentence, else the one holding the figure."""
    whole = [c for c in chunks if c.start <= start and end <= c.end]
    if whole:
        return whole[0]
    return next((c for c in chunks if c.start <= at < c.end), chunks[0])


def _footnotes(sections: list[_Section], known: Known) -> list[Observation]:
    """Each footnote once, read with the draft of the clause whose marker cites it."""
    seen: set[tuple[str, int]] = set()
    out = []
    for sec in sections:
        for chunk in sec.chunks:
            notes = {f.n: f for f in chunk.footnotes}
            for n, off in chunk.markers:
                if (chunk.doc_id, n) in seen or n not in notes:
                    continue
                seen.add((chunk.doc_id, n))
                parent = _cited_draft(sec, chunk.start + off)
                out.extend(_read_note(notes[n], chunk, parent, known))
    return out


def _cited_draft(sec: _Section, at: int) -> Draft | None:
    """The figure a marker follows (the nearest draft before it in its sentence)."""
    before = [(pos, d) for pos, d in sec.drafts if pos <= at and at - pos < 400]
    return before[-1][1] if before else None


def _read_note(note: Footnote, chunk: Chunk, parent: Draft | None,
               known: Known) -> list[Observation]:
    rt = _time(chunk, known)
    out = []
    for offset, sent in sentences(note.text):
        ctx = Context(rt, chunk.is_plan if parent is None else parent.is_plan, None, parent,
                      breakdown=bool(_BREAKDOWN.match(note.text)))
        out.extend(_observation(d, chunk, sent, None, note.n, offset + d.start)
                   for d in read_sentence(sent, ctx))
    return out


def _observation(d: Draft, chunk: Chunk, quote: str, span: tuple[int, int] | None,
                 footnote: int | None, at: int) -> Observation:
    return Observation(
        indicator=d.name, group=d.key, value_text=d.value_text, value=d.value, unit=d.unit,
        period=d.period, doc_id=chunk.doc_id, chunk_id=chunk.chunk_id, quote=quote,
        figure=d.figure, comparisons=tuple(d.comps), is_plan=d.is_plan, as_of=d.as_of,
        footnote=footnote, span=span, component=d.component, at=at, stated=d.stated,
        scope=d.scope)
