"""Chunk stage: a ``Document`` -> ``Chunk`` records, one section at a time.

A chunk never crosses a section boundary, so its section path is exact and a
citation points at one place. Long sections are split on paragraph, then
sentence boundaries by langchain-text-splitters. Each table row is a chunk of its
own (``rag.chunk.tables``).

Size: 1,000 characters with 150 of overlap. Vietnamese runs at about 3.5
characters per multilingual-e5 token, so a chunk is ~290 tokens; with its
section path and cited footnote texts it stays under the model's 512-token
window (longer inputs are truncated, and the footnote at the end would be
lost to the dense side). Smaller chunks also keep each figure close to its
own comparison clauses rather than to a neighbouring topic.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import replace
from itertools import groupby

from langchain_text_splitters import RecursiveCharacterTextSplitter

from rag.chunk.tables import table_chunks
from rag.config import ChunkConfig
from rag.ingest.figures import extract_figures
from rag.ingest.front import states_facts
from rag.records import (
    FRONT_SECTION,
    NOTES_SECTION,
    SIGN_SECTION,
    Chunk,
    Document,
    Paragraph,
    footnotes_in_span,
)

CHUNKS = ChunkConfig()
_SPLITTER = RecursiveCharacterTextSplitter(
    chunk_size=CHUNKS.chars,
    chunk_overlap=CHUNKS.overlap,
    separators=["\n\n", ". ", "; ", ", ", " ", ""],  # "": a run without spaces is cut too
    keep_separator="end",
    add_start_index=True,
    strip_whitespace=True,
)


class PageMap:
    """Character offset in the document -> printed page."""

    def __init__(self, paragraphs: list[Paragraph]) -> None:
        self._starts: list[int] = []
        self._pages: list[int | None] = []
        for p in paragraphs:
            self._add(p.start, p.page_start)
            page = p.page_start or 0
            for off in p.page_breaks:
                page += 1
                self._add(p.start + off, page)

    def _add(self, offset: int, page: int | None) -> None:
        self._starts.append(offset)
        self._pages.append(page)

    def page_at(self, offset: int) -> int | None:
        i = bisect_right(self._starts, offset) - 1
        return self._pages[i] if i >= 0 else None


def chunk_document(doc: Document) -> list[Chunk]:
    pages = PageMap(doc.paragraphs)
    markers = _doc_markers(doc.paragraphs)
    chunks: list[Chunk] = []
    body = [p for p in doc.paragraphs if p.kind == "body"]
    for (path, is_plan), group in groupby(body, key=lambda p: (p.section_path, p.is_plan)):
        group = list(group)
        for start, end in _spans(doc.text, group):
            chunks.append(_make_chunk(doc, len(chunks), path, is_plan, start, end, pages, markers))
    chunks = _with_orphan_notes(doc, chunks, markers)
    chunks += table_chunks(doc, len(chunks))
    front = _front_chunk(doc, len(chunks), pages)
    chunks += [front] if front is not None else []
    sign = _block_chunk(doc, [p for p in doc.paragraphs if p.kind == "signature"],
                        SIGN_SECTION, len(chunks), pages)
    chunks += [sign] if sign is not None else []
    notes = _notes_chunk(doc, chunks, markers, len(chunks))
    return chunks + ([notes] if notes is not None else [])


def _notes_chunk(doc: Document, chunks: list[Chunk], markers: list[tuple[int, int]],
                 i: int) -> Chunk | None:
    """The footnotes no chunk holds (their markers lost, no page to place them: a Markdown
    copy's table cells and headers) as one chunk of their own, last, so nothing is lost."""
    held = {f.n for c in chunks for f in c.footnotes} | {n for n, _ in markers}
    left = [f for n, f in sorted(doc.footnotes.items()) if n not in held and f.text.strip()]
    if not left:
        return None
    text = "\n".join(f"({f.n}) {f.text}" for f in left)
    end = len(doc.text)
    return Chunk(chunk_id=f"{doc.doc_id}#{i:03d}", doc_id=doc.doc_id, text=text,
                 section_path=(NOTES_SECTION,), page_start=None, page_end=None, start=end,
                 end=end, footnotes=(), figures=tuple(extract_figures(text)),
                 periods=doc.periods, is_plan=False, markers=())


def _front_chunk(doc: Document, i: int, pages: PageMap) -> Chunk | None:
    """The front matter as one chunk, last (so body chunk ids stay put): officials ask a
    letter's number, date and subject ("công văn số mấy, ngày nào"), which no section
    holds. Only when it states a number, a subject or an addressee."""
    front = [p for p in doc.paragraphs if p.kind == "front"]
    if not states_facts([p.text for p in front]):
        return None
    return _block_chunk(doc, front, FRONT_SECTION, i, pages)


def _block_chunk(doc: Document, block: list[Paragraph], section: str, i: int,
                 pages: PageMap) -> Chunk | None:
    """A heading or signature block as one chunk of its own section (None: no block)."""
    if not block:
        return None
    start, end = block[0].start, block[-1].end
    return Chunk(chunk_id=f"{doc.doc_id}#{i:03d}", doc_id=doc.doc_id, text=doc.text[start:end],
                 section_path=(section,), page_start=pages.page_at(start),
                 page_end=pages.page_at(max(start, end - 1)), start=start, end=end,
                 footnotes=(), figures=tuple(extract_figures(doc.text[start:end])),
                 periods=doc.periods, is_plan=False, markers=())


def _with_orphan_notes(doc: Document, chunks: list[Chunk],
                       markers: list[tuple[int, int]]) -> list[Chunk]:
    """A footnote whose marker the text lost (OCR reads "¹" as "!" or "”") still belongs
    to its page: it goes with every chunk printed on that page, never dropped."""
    cited = {n for n, _ in markers}
    orphans = [f for n, f in sorted(doc.footnotes.items()) if n not in cited]
    if not orphans:
        return chunks
    out = []
    for c in chunks:
        on_page = tuple(f for f in orphans if f.page is not None and c.page_start is not None
                        and c.page_start <= f.page <= (c.page_end or c.page_start))
        out.append(replace(c, footnotes=c.footnotes + on_page) if on_page else c)
    return out


def _spans(text: str, group: list[Paragraph]) -> list[tuple[int, int]]:
    """Character spans of the chunks of one section (paragraphs are contiguous)."""
    base, stop = group[0].start, group[-1].end
    section = text[base:stop]
    if len(section) <= CHUNKS.chars:
        return [(base, stop)]
    spans = []
    for piece in _SPLITTER.create_documents([section]):
        start = base + piece.metadata["start_index"]
        spans.append((start, start + len(piece.page_content)))
    return spans


def _doc_markers(paragraphs: list[Paragraph]) -> list[tuple[int, int]]:
    """(footnote number, document offset) for every marker, in text order."""
    return sorted(((n, p.start + off) for p in paragraphs for n, off in p.markers),
                  key=lambda m: (m[1], m[0]))


def _make_chunk(doc: Document, i: int, path: tuple[str, ...], is_plan: bool,
                start: int, end: int, pages: PageMap,
                markers: list[tuple[int, int]]) -> Chunk:
    text = doc.text[start:end]
    inside = [(n, off - start) for n, off in markers if start <= off <= end]
    # a marker whose text the source lacks cites nothing
    notes = [doc.footnotes[n] for n in footnotes_in_span(markers, start, end)
             if n in doc.footnotes]
    return Chunk(
        chunk_id=f"{doc.doc_id}#{i:03d}",
        doc_id=doc.doc_id,
        text=text,
        section_path=path,
        page_start=pages.page_at(start),
        page_end=pages.page_at(max(start, end - 1)),
        start=start,
        end=end,
        footnotes=tuple(notes),
        figures=tuple(extract_figures(text)),
        periods=doc.plan_periods if is_plan else doc.periods,
        is_plan=is_plan,
        markers=tuple(inside),
    )
