"""Typed records passed between pipeline stages.

Every stage takes and returns these dataclasses so that stages can be tested,
persisted (as JSON, by ``rag.serialize``) and replaced one at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rag.config import AnalyzerConfig
from rag.serialize import Record


def footnotes_in_span(markers: Iterable[tuple[int, int]], start: int, end: int) -> list[int]:
    """Footnote numbers whose markers ``(n, offset)`` stand inside ``[start, end]``, in order.

    A marker stands right after the word it annotates, so ``end`` is inclusive.
    """
    return list(dict.fromkeys(n for n, off in markers if start <= off <= end))


# ----------------------------------------------------------------- ingest


@dataclass(frozen=True)
class Period(Record):
    """A reporting period: months ``start_month..end_month`` of ``year``.

    ``kind`` says how the report phrases it, because officials ask for "tháng 5"
    and "5 tháng đầu năm" separately even though both end in May.
    """

    year: int | None  # None when a question names no year ("tháng 5?")
    start_month: int
    end_month: int
    kind: str  # "month" | "cumulative" | "quarter" | "half" | "year"
    label: str


@dataclass(frozen=True)
class Footnote(Record):
    n: int
    text: str
    page: int | None = None


@dataclass(frozen=True)
class Figure(Record):
    """A number with its unit as printed (``text``) and its parsed ``value``."""

    text: str
    value: float
    unit: str
    start: int  # offset in the text it was found in
    end: int


@dataclass
class Section(Record):
    title: str
    level: int
    path: tuple[str, ...]
    start: int
    end: int
    page: int | None = None


@dataclass
class Paragraph(Record):
    """One logical paragraph of normalized text (hard wraps and page breaks rejoined)."""

    text: str
    start: int
    end: int
    page_start: int | None
    page_end: int | None
    section_path: tuple[str, ...]
    is_plan: bool
    kind: str = "body"  # "body" | "heading" | "front"
    page_breaks: tuple[int, ...] = ()  # offsets in ``text`` where a new page begins
    # (footnote number, offset inside ``text`` where its marker stood)
    markers: tuple[tuple[int, int], ...] = ()


@dataclass
class Document(Record):
    doc_id: str
    source: str  # file name
    title: str
    date: str | None  # ISO yyyy-mm-dd, or yyyy-mm when the day is blank
    doc_type: str  # "báo cáo" | "thông cáo báo chí" | ...
    province: str | None
    periods: tuple[Period, ...]
    text: str  # normalized text: paragraphs joined by "\n\n"
    sections: list[Section]
    paragraphs: list[Paragraph]
    footnotes: dict[int, Footnote]
    content_hash: str
    fmt: str = "paragraph"  # detected text convention ("wrapped" | "paragraph")
    plan_periods: tuple[Period, ...] = ()  # periods of the "next period tasks" part


@dataclass(frozen=True)
class Chunk(Record):
    chunk_id: str
    doc_id: str
    text: str
    section_path: tuple[str, ...]
    page_start: int | None
    page_end: int | None
    start: int  # character span in Document.text
    end: int
    footnotes: tuple[Footnote, ...] = ()
    figures: tuple[Figure, ...] = ()
    periods: tuple[Period, ...] = ()
    is_plan: bool = False
    # (footnote number, offset inside ``text`` where its marker stood)
    markers: tuple[tuple[int, int], ...] = ()

    def search_text(self) -> str:
        """Text that is embedded and BM25-indexed: the section path gives the
        topic words, footnote texts make breakdowns findable through their chunk."""
        parts = [" > ".join(self.section_path), self.text]
        parts += [f"({f.n}) {f.text}" for f in self.footnotes]
        return "\n".join(p for p in parts if p)

    def cited(self, start: int, end: int) -> list[Footnote]:
        """The footnotes whose markers stand inside ``[start, end]`` of the chunk text."""
        numbers = footnotes_in_span(self.markers, start, end)
        return [f for f in self.footnotes if f.n in numbers]

    @property
    def section(self) -> str:
        return " > ".join(self.section_path)

    @property
    def period_label(self) -> str:
        return ", ".join(p.label for p in self.periods)


# ------------------------------------------------------------------ index


@dataclass(frozen=True)
class DocInfo(Record):
    """What the index keeps about one report, besides its chunks."""

    doc_id: str
    source: str
    title: str
    date: str | None
    doc_type: str
    province: str | None
    periods: tuple[Period, ...]
    plan_periods: tuple[Period, ...]
    content_hash: str
    n_chunks: int
    parser_version: str = ""  # the parser and chunker that made the stored chunks

    @classmethod
    def of(cls, doc: Document, n_chunks: int, parser_version: str) -> DocInfo:
        return cls(doc.doc_id, doc.source, doc.title, doc.date, doc.doc_type, doc.province,
                   doc.periods, doc.plan_periods, doc.content_hash, n_chunks, parser_version)

    @property
    def period_label(self) -> str:
        return ", ".join(p.label for p in self.periods)


@dataclass(frozen=True)
class EmbedderInfo(Record):
    name: str
    dim: int


@dataclass(frozen=True)
class Manifest(Record):
    """``manifest.json`` of an index version."""

    format_version: int
    parser_version: str
    embedder: EmbedderInfo
    analyzer: AnalyzerConfig
    analyzer_data: str  # fingerprint of the data files that change the analyzer's tokens
    n_chunks: int
    documents: tuple[DocInfo, ...]


# ------------------------------------------------------------ query, answer


@dataclass(frozen=True)
class Hit(Record):
    rank: int
    score: float
    chunk: Chunk
    doc: DocInfo


@dataclass
class SearchResult(Record):
    query: str
    periods: tuple[Period, ...]  # asked periods (from the question or the period filter)
    period_covered: bool  # some allowed report's period contains an asked one
    asks_tasks: bool
    hits: tuple[Hit, ...]
    latency_ms: float = 0.0
    doc_ids: tuple[str, ...] = ()  # the report filter, empty for all
    period_filter: str | None = None
    period_overridden: str | None = None  # a period filter the question's own period beat
    elsewhere: tuple[DocInfo, ...] = ()  # reports outside the report filter that answer


@dataclass(frozen=True)
class Citation(Record):
    """One numbered source of an answer: where the quote stands and what it cites."""

    n: int
    chunk_id: str
    doc_id: str
    title: str
    period: str
    section: str
    page: int | None
    quote: str
    span: tuple[int, int] | None  # the quote's offsets in Document.text; None for a footnote
    figures: tuple[str, ...]
    footnotes: tuple[Footnote, ...] = ()  # footnotes the answer itself quotes
    quote_footnotes: tuple[Footnote, ...] = ()  # every footnote cited inside the quote


@dataclass
class Answer(Record):
    question: str
    text: str
    abstained: bool
    reason: str | None  # why it abstained: "place_not_covered" | "period_not_covered" | ...
    citations: tuple[Citation, ...]
    result: SearchResult
