"""Typed records passed between pipeline stages.

Every stage takes and returns these plain dataclasses so that stages can be
tested, persisted (as JSON) and replaced one at a time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Period:
    """A reporting period: months ``start_month..end_month`` of ``year``.

    ``kind`` says how the report phrases it, because officials ask for "tháng 5"
    and "5 tháng đầu năm" separately even though both end in May.
    """

    year: int | None  # None when a question names no year ("tháng 5?")
    start_month: int
    end_month: int
    kind: str  # "month" | "cumulative" | "quarter" | "half" | "year"
    label: str

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Period:
        return cls(**d)


@dataclass(frozen=True)
class Footnote:
    n: int
    text: str
    page: int | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Figure:
    """A number with its unit as printed (``text``) and its parsed ``value``."""

    text: str
    value: float
    unit: str
    start: int  # offset in the normalized document text
    end: int


@dataclass
class Section:
    title: str
    level: int
    path: tuple[str, ...]
    start: int
    end: int
    page: int | None = None


@dataclass
class Paragraph:
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
class Document:
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


@dataclass
class Chunk:
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


def chunk_to_dict(chunk: Chunk) -> dict:
    return asdict(chunk)


def chunk_from_dict(d: dict) -> Chunk:
    """Inverse of ``chunk_to_dict`` (JSON turns tuples into lists; undo that)."""
    return Chunk(
        chunk_id=d["chunk_id"],
        doc_id=d["doc_id"],
        text=d["text"],
        section_path=tuple(d["section_path"]),
        page_start=d["page_start"],
        page_end=d["page_end"],
        start=d["start"],
        end=d["end"],
        footnotes=tuple(Footnote(**f) for f in d["footnotes"]),
        figures=tuple(Figure(**f) for f in d["figures"]),
        periods=tuple(Period(**p) for p in d["periods"]),
        is_plan=d["is_plan"],
        markers=tuple(tuple(m) for m in d["markers"]),
    )
