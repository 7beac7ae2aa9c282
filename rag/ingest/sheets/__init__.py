"""Workbooks (.xlsx, .xls) -> a ``Document`` whose tables are the sheets' tables.

A statistics office publishes each release as a workbook of indicator tables, one or
more per sheet. Each visible sheet is a section of the document ("Trang tính 22-23.
Tongmuc"); its tables are ``Table`` records placed under that heading, its notes are
paragraphs. The document's periods are the release's: the latest month its columns
report on, with every period ending there (month, quarter, cumulative, year). Its title
says what it is, since a workbook prints no document title; its date is the file's last
save when that falls just after the release's period (else none: a file re-saved years
later says nothing about the release).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from datetime import date
from pathlib import Path

from rag.errors import InputError
from rag.ingest.sheets.book import open_book
from rag.ingest.sheets.layout import blocks
from rag.ingest.sheets.tables import build_table
from rag.ingest.sheets.view import View
from rag.places import places_in
from rag.records import Document, Paragraph, Period, Section, Table

SHEET_SUFFIXES = (".xlsx", ".xls")
DOC_TYPE = "biểu số liệu"
SECTION = "Trang tính {name}"  # a sheet's section title, as Vietnamese Excel names a sheet
RELEASE_LAG_DAYS = 62  # format: a release is published within weeks of its period's end
_KIND_ORDER = {"month": 0, "quarter": 1, "half": 2, "cumulative": 3, "year": 4}


def parse_workbook(path: Path, source: str) -> Document:
    """The workbook's document, or a one-line ``InputError`` (damaged, encrypted, macros
    only, no table, over a bound)."""
    from rag.ingest.parse import doc_id_for

    path = Path(path)
    book = open_book(path)
    sheets: list[tuple[str, list[Table], list[str]]] = []
    count = 0
    for raw in book.sheets:
        view = View(raw)
        tables, notes = [], []
        for block in blocks(view):
            table = build_table(view, block, f"T{count + 1}")
            if table is not None:
                count += 1
                tables.append(table)
                notes += [" ".join(t for c in view.cols if (t := view.shown(r, c)))
                          for r in block.notes]
        if tables:
            sheets.append((raw.name, tables, notes))
    if not sheets:
        raise InputError("sheet.macro_only" if book.macros else "sheet.no_table",
                         name=path.name)
    doc = _document(doc_id_for(source), source, sheets)
    doc.content_hash = hashlib.sha256(path.read_bytes()).hexdigest()
    doc.periods = release_periods(doc.tables)
    doc.period_source = "title" if doc.periods else "none"
    doc.title = title_for(doc.periods)
    doc.date = release_date(book.modified, doc.periods)
    return doc


def _document(doc_id: str, source: str, sheets) -> Document:
    """Paragraphs, sections and tables placed: a heading per sheet, its tables right after
    it, then its notes."""
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []
    tables: list[Table] = []
    pos = 0
    for name, sheet_tables, notes in sheets:
        title = SECTION.format(name=name)
        path = (title,)
        head = Paragraph(title, pos, pos + len(title), None, None, path, False, "heading")
        paragraphs.append(head)
        pos = head.end + 2
        for t in sheet_tables:
            t.offset, t.anchor = head.end, title
            tables.append(t)
        for note in notes:
            paragraphs.append(Paragraph(note, pos, pos + len(note), None, None, path, False))
            pos += len(note) + 2
        sections.append(Section(title, 1, path, head.start, pos - 2))
    text = "\n\n".join(p.text for p in paragraphs)
    captions = [t.caption for t in tables] + [p.text for p in paragraphs if p.kind == "body"]
    rows = [label for t in tables for r in t.rows for label in r.label_path[-1:]]
    home = places_in(captions)
    return Document(doc_id=doc_id, source=source, title="", date=None, doc_type=DOC_TYPE,
                    province=home[0] if home else None, periods=(), text=text,
                    sections=sections, paragraphs=paragraphs, footnotes={}, content_hash="",
                    fmt="sheet", places=places_in(captions + rows), tables=tables)


def release_periods(tables: list[Table]) -> tuple[Period, ...]:
    """The periods of the release: those ending in the month the most tables report on (a
    few tables of a crop season or a year do not date a six-month release), the latest
    of equals."""
    ends: Counter = Counter()
    by_end: dict[tuple[int, int], set[Period]] = {}
    for t in tables:
        seen = set()
        for c in t.columns:
            p = c.period
            if p is None or p.year is None or c.plan:
                continue
            key = (p.year, p.end_month)
            by_end.setdefault(key, set()).add(p)
            seen.add(key)
        ends.update(seen)
    latest = max(ends, key=lambda k: (ends[k], k), default=None)
    if latest is None:
        return ()
    return tuple(sorted(by_end[latest], key=lambda p: (_KIND_ORDER.get(p.kind, 5),
                                                       p.start_month)))


def title_for(periods: tuple[Period, ...]) -> str:
    """"Biểu số liệu thống kê tháng 10/2019, 10 tháng đầu năm 2019"."""
    if not periods:
        return "Biểu số liệu thống kê"
    return "Biểu số liệu thống kê " + ", ".join(p.label for p in periods)


def release_date(modified: str | None, periods: tuple[Period, ...]) -> str | None:
    """The file's last save, when it falls within ``RELEASE_LAG_DAYS`` after the end of the
    release's period (a statistics release is saved on its way out)."""
    if not modified or not periods or periods[0].year is None:
        return None
    p = periods[0]
    end_year, end_month = (p.year + 1, 1) if p.end_month == 12 else (p.year, p.end_month + 1)
    start = date(end_year, end_month, 1).toordinal() - 10  # releases come out ~the 29th
    saved = date.fromisoformat(modified[:10]).toordinal()
    return modified[:10] if start <= saved <= start + RELEASE_LAG_DAYS else None
