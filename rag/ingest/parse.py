"""Parse: a report file -> a ``Document`` (metadata, sections, paragraphs, footnotes).

It chains layout (lines -> paragraphs), structure (headings -> section
paths), footnote markers and metadata; each of those is its own module.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rag.ingest import metadata
from rag.ingest.files import (
    SHEET_SUFFIXES,
    FileContent,
    InputError,
    check_file,
    read_document,
    strip_controls,
)
from rag.ingest.footnotes import MarkerState, strip_markers
from rag.ingest.front import DOC_TYPES, FrontMatter, read_front_matter
from rag.ingest.layout import Block, layout
from rag.ingest.signature import signature_lines
from rag.ingest.structure import (
    SectionStack,
    clean_markup,
    ends_article,
    is_article,
    match_heading,
)
from rag.places import home_province, places_in
from rag.records import Document, Footnote, Paragraph, Section, Table

_FOOTER = re.compile(r"^(Nơi nhận|TM\. ỦY BAN|TM\. UỶ BAN)", re.IGNORECASE)
_SUP_TAG = re.compile(r"<sup>\s*(\d+)\s*</sup>")
_DATE_LINE = re.compile(r"^.{0,40}ngày\s*[\d.…]*\s*tháng\s*[\d.…]*\s*năm\s*\d{4}\s*\W*$")
_ANNEX = re.compile(r"^(?:PHỤ LỤC|Phụ lục|DANH MỤC|BIỂU|Biểu)\b|^\(\s*(?:Kèm theo|Ban hành kèm)")


def doc_id_for(name: str) -> str:
    """A stable, URL- and file-safe id from the file name."""
    stem = Path(name).stem
    return re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-") or "doc"


def parse_file(path: str | Path, source_name: str | None = None, on_page=None) -> Document:
    """``source_name``: the report's own file name when ``path`` is a stored copy;
    ``on_page(page, done, total)``: progress of OCR, for a scanned PDF."""
    path = Path(path)
    if path.suffix.lower() in SHEET_SUFFIXES:  # a workbook is tables, not text to lay out
        from rag.ingest.sheets import parse_workbook

        check_file(path)
        return parse_workbook(path, source_name or path.name)
    content = read_document(path, on_page)
    return parse_content(content, source=source_name or path.name)


def parse_content(content: FileContent, source: str) -> Document:
    """A read file -> a ``Document``: its text parsed, its tables placed in the text."""
    hints = None
    if content.doc_type is not None:  # a web page: its markup gave title and date
        hints = FrontMatter(content.doc_type, content.title or None, content.date)
    doc = parse_text(content.text, source, allow_empty=bool(content.tables), front=hints,
                     marked=content.marked_ends, fmt=content.fmt)
    doc.tables = place_tables(content.tables, doc.paragraphs)
    if doc.tables:  # an annex lists places by row ("TUYÊN QUANG | 152.100")
        _fill_places(doc, [table_text(t) for t in doc.tables])
    doc.ocr_pages, doc.poor_pages = content.ocr_pages, content.poor_pages
    return doc


def parse_text(text: str, source: str, allow_empty: bool = False,
               front: FrontMatter | None = None, marked: bool = False,
               fmt: str | None = None) -> Document:
    """``allow_empty``: the file's content is all in tables (an annex of indicator tables);
    ``front``: title, date and type known from elsewhere (a web page's markup), for text
    that prints none: it is then read as one paragraph per block and has no front matter
    (a lead paragraph "UBND tỉnh …" is not a letterhead); ``marked``: paragraph ends are
    marked by the reader (``FileContent.marked_ends``); ``fmt``: the line convention the
    reader wrote (``FileContent.fmt``)."""
    text = strip_controls(text)  # NUL bytes and escape codes never reach chunk text
    lay = layout(text, fmt=fmt or ("paragraph" if front is not None else None), marked=marked)
    if not any(b.text.strip() for b in lay.blocks) and not allow_empty:
        raise InputError("parse.no_text", name=source)
    blocks, footer = _cut_footer(lay.blocks)
    front = front or read_front_matter([b.text for b in blocks])
    state = MarkerState(set(lay.footnotes), plain_digits=lay.fmt == "wrapped")
    paragraphs = _paragraphs(blocks, front.count, state) + _signature(footer)
    if not _paged(source, blocks):
        _drop_pages(paragraphs)
    text_out, paragraphs = _place(paragraphs)
    sections = _sections(paragraphs, len(text_out))
    footnotes = {n: _clean_footnote(f) for n, f in sorted(lay.footnotes.items())}
    doc = Document(
        doc_id=doc_id_for(source), source=source, title="", date=front.date,
        doc_type=front.doc_type or "báo cáo", province=None,
        periods=(), text=text_out, sections=sections, paragraphs=paragraphs,
        footnotes=footnotes, content_hash=hashlib.sha256(text.encode()).hexdigest(),
        fmt=lay.fmt,
    )
    doc.date = doc.date or metadata.stated_date(paragraphs)
    _fill_title_and_periods(doc, front)
    _fill_places(doc)
    return doc


def _fill_places(doc: Document, more: list[str] | None = None) -> None:
    """The places the report names (title, issuer, text, notes, tables) and its home
    province; the place of the signing line ("Hà Nội, ngày …") is where it was signed,
    not what it is about."""
    texts = [doc.title, *(f.text for f in doc.footnotes.values()), *(more or [])]
    doc.places = places_in([doc.text, *texts])
    issuer = [p.text for p in doc.paragraphs if p.kind == "front"
              and not _DATE_LINE.search(p.text) and not p.text.startswith(("Số", "V/v"))]
    body = [p.text for p in doc.paragraphs if not _DATE_LINE.search(p.text)]
    doc.province = home_province(issuer, doc.title, body + texts)


def _paged(source: str, blocks: list[Block]) -> bool:
    """Whether page numbers mean anything: a PDF has pages; any other file only when the
    reader found page breaks (form feeds, printed page numbers, Word's rendered breaks).
    Without them the layout stage calls everything page 1, which a citation must not show."""
    return source.lower().endswith(".pdf") or any(b.page_end > 1 for b in blocks)


def _drop_pages(paragraphs: list[Paragraph]) -> None:
    for p in paragraphs:
        p.page_start = p.page_end = None
        p.page_breaks = ()
def table_text(table: Table) -> str:
    """A table's caption, row labels and cells, for what the table names."""
    rows = ("\n".join([r.label, *(c.text for c in r.cells)]) for r in table.rows)
    return "\n".join([table.caption, *(c.name for c in table.columns), *rows])


def place_tables(tables: list[Table], paragraphs: list[Paragraph]) -> list[Table]:
    """Where each table stands in the text, for the reader: right after the paragraph that
    holds its caption, else after the last paragraph of the page it starts on."""
    pos, key = 0, lambda t: " ".join(t.split()).casefold()
    for table in tables:
        cap = key(table.anchor or table.caption)[:200]
        after = [p for p in paragraphs if p.start >= pos]
        hit = next((p for p in after if cap and cap in key(p.text)), None)
        if hit is None and table.page_start is not None:
            hit = next((p for p in reversed(paragraphs)
                        if (p.page_start or 0) <= table.page_start), None)
        if hit is None:
            hit = next((p for p in reversed(paragraphs) if p.start <= pos), None)
        table.offset = hit.end if hit is not None else pos
        pos = table.offset
    return tables


def _cut_footer(blocks: list[Block]) -> tuple[list[Block], list[Block]]:
    """(body, footer): the distribution list and signature ("Nơi nhận: …") after the body
    are no part of it; the annexes after them ("PHỤ LỤC …") are."""
    for i, b in enumerate(blocks):
        if not _FOOTER.match(clean_markup(b.text)):
            continue
        if i > len(blocks) // 2 or signature_lines([x.text for x in blocks[i:i + 30]]):
            end = next((j for j in range(i + 1, len(blocks))
                        if _annex(clean_markup(blocks[j].text))), len(blocks))
            return blocks[:i] + blocks[end:], blocks[i:end]
    return blocks, []


def _annex(text: str) -> bool:
    """What follows a signature as a document of its own: an annex caption, or the type
    line of the plan or regulation a decision issues ("KẾ HOẠCH", "QUY ĐỊNH")."""
    return bool(_ANNEX.match(text)) or text in DOC_TYPES


def _signature(footer: list[Block]) -> list[Paragraph]:
    """The signer's lines ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", the name, the digital stamp) as
    paragraphs after the body: officials ask who signed a document."""
    return [Paragraph(line, 0, 0, footer[i].page_start, footer[i].page_end, (), False,
                      "signature") for i, line in signature_lines([b.text for b in footer])]


def _paragraphs(blocks: list[Block], n_front: int, state: MarkerState) -> list[Paragraph]:
    stack = SectionStack()
    out: list[Paragraph] = []
    article = False  # inside an article ("Điều 3. …"): its numbered sentences are clauses
    for i, b in enumerate(blocks):
        clean = clean_markup(b.text)
        if i < n_front:
            out.append(Paragraph(clean, 0, 0, b.page_start, b.page_end, (), False, "front"))
            continue
        if not any(c.isalnum() for c in clean):
            continue  # a rule line ("_____", "-----") under the body: nothing to read
        heading = match_heading(b.text, stack.in_plan, article)
        article = article and (heading is None or not ends_article(heading)) or is_article(clean)
        if heading is not None and out and out[-1].kind == "heading" and stack.continues(heading):
            stack.extend(heading)
            out[-1].text, out[-1].section_path = stack.path[-1], stack.path
            out[-1].is_plan = stack.in_plan
            continue
        if heading is not None:
            stack.push(heading)
            out.append(Paragraph(heading.title, 0, 0, b.page_start, b.page_end, stack.path,
                                 stack.in_plan, "heading"))
            continue
        text, markers = strip_markers(clean, state)
        out.append(Paragraph(text, 0, 0, b.page_start, b.page_end, stack.path, stack.in_plan,
                             "body", page_breaks=tuple(b.page_breaks), markers=tuple(markers)))
    return out


def _place(paragraphs: list[Paragraph]) -> tuple[str, list[Paragraph]]:
    """Join paragraphs with blank lines and record each one's character span."""
    parts, pos = [], 0
    for p in paragraphs:
        p.start, p.end = pos, pos + len(p.text)
        parts.append(p.text)
        pos = p.end + 2
    return "\n\n".join(parts), paragraphs


def _sections(paragraphs: list[Paragraph], doc_len: int) -> list[Section]:
    """A section spans from its heading to the next heading of the same or higher rank."""
    heads = [p for p in paragraphs if p.kind == "heading"]
    sections = []
    for i, h in enumerate(heads):
        depth = len(h.section_path)
        end = next((n.start for n in heads[i + 1:] if len(n.section_path) <= depth), doc_len)
        sections.append(Section(h.text, depth, h.section_path, h.start, end, h.page_start))
    return sections


def _clean_footnote(note: Footnote) -> Footnote:
    text = clean_markup(_SUP_TAG.sub(r"\1", note.text))
    return Footnote(note.n, text, note.page)


def _fill_title_and_periods(doc: Document, front: FrontMatter) -> None:
    """Title from the title block, else from the first results heading naming a period;
    periods from the title, else from the top headings, else from what the body states."""
    year = metadata.default_year(front.title, front.date)
    title = front.title
    if title:
        doc.periods, doc.plan_periods = map(tuple, metadata.title_periods(title, year))
        doc.period_source = "title" if doc.periods else "none"
    heads = [p for p in doc.paragraphs if p.kind == "heading" and len(p.section_path) <= 2]
    for h in heads:
        found = tuple(metadata.parse_periods(h.text, default_year=year))
        if found and h.is_plan and not doc.plan_periods:
            doc.plan_periods = found
        elif found and not h.is_plan and not doc.periods:
            doc.periods, doc.period_source = found, "heading"
            if not title:  # the heading is the title: its periods are read as a title's
                title = metadata.title_from_heading(h.text)
                doc.periods = tuple(metadata.title_periods(title, year)[0])
    doc.title = title or doc.source
    if not doc.periods:
        doc.periods, planned = metadata.text_periods(doc.paragraphs, doc.date)
        doc.plan_periods = doc.plan_periods or planned
        doc.period_source = "text" if doc.periods else "none"
