"""Records of the query and answer stages: hits, citations, answers."""

from __future__ import annotations

from dataclasses import dataclass

from rag.records.index import DocInfo
from rag.records.ingest import Chunk, Footnote, Period
from rag.records.observe import Observation
from rag.serialize import Record


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
    context: str = ""  # the whole sentence when the quote is one clause or item of it
    scanned: bool = False  # the quote was read by OCR: "trích từ bản quét, cần đối chiếu"
    table_id: str | None = None  # a cited table row: the table, row and cited columns
    row: int | None = None
    columns: tuple[int, ...] = ()
    sheet: str = ""  # the worksheet of a cited workbook table


@dataclass(frozen=True)
class Headline(Record):
    """The asked figure, shown before anything else: what the official came for, with the
    period it is for and its own comparisons ("816 tỷ đồng · 5 tháng đầu năm 2024 · đạt
    23,7% kế hoạch · tăng 5,5% so với cùng kỳ"). A figure that covers only part of the
    asked whole keeps its qualifier (``scope``) wherever it is shown."""

    indicator: str
    figure: str  # number and unit as printed
    value: float
    unit: str | None
    period: str  # the label of the figure's own period
    comparisons: tuple[str, ...] = ()
    scope: str = ""  # "tính riêng tại Hải quan tỉnh Lạng Sơn": never shown without it
    citation: int = 1  # the [n] it is quoted from

    @property
    def text(self) -> str:
        figure = f"{self.figure} ({self.scope})" if self.scope else self.figure
        return " · ".join([figure, self.period, *self.comparisons])


@dataclass(frozen=True)
class AnswerItem(Record):
    """One cited line of an answer after its headline: a part of the headline figure
    (``part``), another statement (``statement``) or a footnote's text (``note``)."""

    kind: str
    text: str
    citation: int


@dataclass
class Answer(Record):
    question: str
    text: str
    abstained: bool
    reason: str | None  # why it abstained: "place_not_covered" | "period_not_covered" | ...
    citations: tuple[Citation, ...]
    result: SearchResult
    headline: Headline | None = None  # a figure question's figure; None when abstaining
    items: tuple[AnswerItem, ...] = ()  # the lines after the headline, in order
    series: tuple[Observation, ...] = ()  # an answer across periods: its rows (the chart's)
    related: tuple[Hit, ...] = ()  # after an abstention: the passages closest to the question


@dataclass(frozen=True)
class Across(Record):
    """A question across periods: the periods it names, or a span of years ("từ 2021 đến
    nay": ``end_year`` None), or a trend word alone (both empty)."""

    periods: tuple[Period, ...] = ()
    start_year: int | None = None
    end_year: int | None = None


@dataclass(frozen=True)
class Question(Record):
    """A question read once, at the front door (``rag.query.question.read``): retrieval,
    statement lookup and the composer take this record and never read the text again."""

    text: str  # as asked, stripped
    folded: str  # lowercase, diacritics folded
    periods: tuple[Period, ...]  # the asked periods: its own, else the period filter's
    # the periods its figure must be for: not those that only pick a report ("(báo cáo
    # tháng 1/2022)", "theo báo cáo 9 tháng 2021"), nor a period filter's
    figure_periods: tuple[Period, ...] = ()
    period_filter: str | None = None  # the filter as given
    overridden: str | None = None  # a filter the question's own period beat
    dates: tuple[tuple[int, int, int], ...] = ()  # full dates it names (d, m, y)
    as_of: str | None = None  # the cut-off it asks by ("tính đến hết 31/01/2023"), ISO
    places: tuple[str, ...] = ()  # folded names of the places it names
    place_label: str = ""  # the first place, as typed (for messages)
    indicator: tuple[tuple[str, ...], ...] = ()  # its opening phrase's alternatives, spelled
    # the accent key (rag.text.accent_key) of each of their syllables, as typed; None where
    # the question was typed without diacritics or the syllable spells an abbreviation
    indicator_marks: tuple[tuple[str | None, ...], ...] = ()
    term: tuple[tuple[str, ...], ...] = ()  # the names of a known indicator it names
    direction: str | None = None  # "thu" (revenue) | "chi" (spending) | None
    wants: str = "figure"  # figure | parts | when | signer | facts | text
    asks_date: bool = False  # a date is the answer ("từ ngày nào"), of a document's fact too
    asks_own: bool = False  # a document's own number or date of issue ("số mấy, ngày nào")
    breakdown: bool = False  # asks for components ("gồm", "cơ cấu", "trong đó", "chia theo")
    tasks: bool = False  # asks about next-period tasks
    plan: bool = False  # asks for a plan or target ("kế hoạch", "dự toán", "mục tiêu")
    basis: str | None = None  # the comparison asked for: "mom" | "yoy" | "vs_plan"
    compared_to: Period | None = None  # the dated base it names ("so với năm 2014")
    numeric: bool = False  # asks for a number ("bao nhiêu", "tỷ lệ", "%")
    numbers: tuple[str, ...] = ()  # numbers it names (a resolution's, a plan year)
    refs: tuple[str, ...] = ()  # numbers of documents it cites ("QĐ 2639", "627/TB-VPCP")
    # what it asks of a document it cites: the text without the words naming the document
    # ("… có hiệu lực từ ngày nào?"); "" when it cites none
    asks_of_document: str = ""
    extreme: str | None = None  # "max" | "min": which row has the largest/smallest value
    units: tuple[str, ...] = ()  # the units it asks its figure in, folded ("ty dong")
    across: Across | None = None  # a question across periods
