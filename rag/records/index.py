"""Records of the index stage: what an index version keeps about its reports."""

from __future__ import annotations

from dataclasses import dataclass

from rag.config import AnalyzerConfig
from rag.records.ingest import Document, Period
from rag.serialize import Record


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
    period_source: str = "none"  # see Document.period_source
    places: tuple[str, ...] = ()
    ocr: bool = False  # some text was read by OCR: citations say it must be checked

    @classmethod
    def of(cls, doc: Document, n_chunks: int, parser_version: str) -> DocInfo:
        return cls(doc.doc_id, doc.source, doc.title, doc.date, doc.doc_type, doc.province,
                   doc.periods, doc.plan_periods, doc.content_hash, n_chunks, parser_version,
                   doc.period_source, doc.places, bool(doc.ocr_pages))

    @property
    def stated_period(self) -> bool:
        """The report says what period it reports on (title or heading): a question for
        another period need not look at it. Periods read from body text are weaker."""
        return self.period_source in ("title", "heading")

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
