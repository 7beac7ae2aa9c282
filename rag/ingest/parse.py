"""Parse: a report file -> a ``Document`` (metadata, sections, paragraphs, footnotes).

It chains layout (lines -> paragraphs), structure (headings -> section
paths), footnote markers and metadata; each of those is its own module.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from rag.ingest import metadata
from rag.ingest.files import InputError, read_document_text, strip_controls
from rag.ingest.footnotes import MarkerState, strip_markers
from rag.ingest.layout import Block, layout
from rag.ingest.structure import SectionStack, clean_markup, match_heading
from rag.records import Document, Footnote, Paragraph, Section

_FOOTER = re.compile(r"^(Nơi nhận|TM\. ỦY BAN|TM\. UỶ BAN)", re.IGNORECASE)
_SUP_TAG = re.compile(r"<sup>\s*(\d+)\s*</sup>")


def doc_id_for(name: str) -> str:
    """A stable, URL- and file-safe id from the file name."""
    stem = Path(name).stem
    return re.sub(r"[^\w.-]+", "-", stem, flags=re.UNICODE).strip("-") or "doc"


def parse_file(path: str | Path, source_name: str | None = None) -> Document:
    """``source_name``: the report's own file name when ``path`` is a stored copy."""
    path = Path(path)
    text = read_document_text(path)
    return parse_text(text, source=source_name or path.name)


def parse_text(text: str, source: str) -> Document:
    text = strip_controls(text)  # NUL bytes and escape codes never reach chunk text
    lay = layout(text)
    if not any(b.text.strip() for b in lay.blocks):
        raise InputError("parse.no_text", name=source)
    blocks = _cut_footer(lay.blocks)
    front = metadata.read_front_matter([b.text for b in blocks])
    state = MarkerState(set(lay.footnotes), plain_digits=lay.fmt == "wrapped")
    paragraphs = _paragraphs(blocks, front.count, state)
    if not _paged(source, blocks):
        _drop_pages(paragraphs)
    text_out, paragraphs = _place(paragraphs)
    sections = _sections(paragraphs, len(text_out))
    footnotes = {n: _clean_footnote(f) for n, f in sorted(lay.footnotes.items())}
    doc = Document(
        doc_id=doc_id_for(source), source=source, title="", date=front.date,
        doc_type=front.doc_type or "báo cáo", province=metadata.province_of(text_out),
        periods=(), text=text_out, sections=sections, paragraphs=paragraphs,
        footnotes=footnotes, content_hash=hashlib.sha256(text.encode()).hexdigest(),
        fmt=lay.fmt,
    )
    _fill_title_and_periods(doc, front)
    return doc


def _paged(source: str, blocks: list[Block]) -> bool:
    """Whether page numbers mean anything: a PDF has pages; any other file only when the
    reader found page breaks (form feeds, printed page numbers, Word's rendered breaks).
    Without them the layout stage calls everything page 1, which a citation must not show."""
    return source.lower().endswith(".pdf") or any(b.page_end > 1 for b in blocks)


def _drop_pages(paragraphs: list[Paragraph]) -> None:
    for p in paragraphs:
        p.page_start = p.page_end = None
        p.page_breaks = ()


def _cut_footer(blocks: list[Block]) -> list[Block]:
    """Drop the distribution list and signature ("Nơi nhận: …") at the end."""
    for i, b in enumerate(blocks):
        if i > len(blocks) // 2 and _FOOTER.match(clean_markup(b.text)):
            return blocks[:i]
    return blocks


def _paragraphs(blocks: list[Block], n_front: int, state: MarkerState) -> list[Paragraph]:
    stack = SectionStack()
    out: list[Paragraph] = []
    for i, b in enumerate(blocks):
        clean = clean_markup(b.text)
        if i < n_front:
            out.append(Paragraph(clean, 0, 0, b.page_start, b.page_end, (), False, "front"))
            continue
        heading = match_heading(b.text, stack.in_plan)
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


def _fill_title_and_periods(doc: Document, front: metadata.FrontMatter) -> None:
    """Title from the title block, else from the first results heading naming a period."""
    year = metadata.default_year(front.title, front.date)
    title = front.title
    if title:
        doc.periods, doc.plan_periods = map(tuple, metadata.title_periods(title, year))
    heads = [p for p in doc.paragraphs if p.kind == "heading" and len(p.section_path) <= 2]
    for h in heads:
        found = tuple(metadata.parse_periods(h.text, default_year=year))
        if found and h.is_plan and not doc.plan_periods:
            doc.plan_periods = found
        elif found and not h.is_plan and not doc.periods:
            doc.periods = found
            title = title or metadata.title_from_heading(h.text)
    doc.title = title or doc.source
