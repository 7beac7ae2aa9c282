"""Records of the ingest and chunk stages: a parsed report and its passages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

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
    kind: str = "body"  # "body" | "heading" | "front" | "signature"
    page_breaks: tuple[int, ...] = ()  # offsets in ``text`` where a new page begins
    # (footnote number, offset inside ``text`` where its marker stood)
    markers: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class TableColumn(Record):
    """One column of a table: its header path, merged header cells resolved top-down
    ("Năm 2019" > "Kế hoạch năm 2019"), and its role."""

    path: tuple[str, ...]
    kind: str = "value"  # "stt" | "label" | "unit" | "value"
    number: str | None = None  # the printed column number ("4", "8=7/4")
    # what the header states, read once by ``rag.ingest.tables.columns`` (workbook sheets):
    period: Period | None = None  # the period of its figures ("Tháng 10 năm 2019")
    # what its figures are measured against: "" (levels), "yoy" (cùng kỳ năm trước), "prev"
    # (tháng/quý trước), "plan" (kế hoạch), "start_of_year" (tháng 12 năm trước), "base_year"
    # (kỳ gốc), "share" (cơ cấu), "other"
    basis: str = ""
    unit: str = ""  # the unit its header (or the sheet, for its measure) states
    measure: str = ""  # what it measures besides time: "Lượng", "Trị giá", "Diện tích"
    plan: bool = False  # a plan or target ("Kế hoạch năm 2025"), not a result

    @property
    def name(self) -> str:
        return " > ".join(self.path)


@dataclass(frozen=True)
class TableCell(Record):
    """A cell as printed and, for value columns, its parsed number."""

    text: str
    value: float | None = None
    percent: bool = False


@dataclass(frozen=True)
class TableRow(Record):
    """A data row: its code (STT), label, label path up the STT/roman/letter hierarchy."""

    code: str
    label: str
    label_path: tuple[str, ...]
    level: int
    unit: str
    cells: tuple[TableCell, ...]  # one per column of the table
    page: int | None = None


@dataclass
class Table(Record):
    """An indicator table of a report (a DOCX ``w:tbl`` or a ruled PDF table)."""

    table_id: str  # unique inside its document ("T1", "T2", …)
    caption: str
    number: str | None  # "07" of "Biểu 07"
    columns: tuple[TableColumn, ...]
    rows: tuple[TableRow, ...]
    page_start: int | None = None
    page_end: int | None = None
    decimal: str = ","  # "," (2.100,00) or "." (2790.5), as the table prints numbers
    offset: int = 0  # where in Document.text the table stands (the reader places it there)
    anchor: str = ""  # the text printed just before the table, to find that place
    sheet: str = ""  # the worksheet it was read from (a workbook's table), else ""
    unit: str = ""  # the unit its title rows state ("Đơn vị tính: Tỷ đồng"), else ""

    @property
    def title(self) -> str:
        """The caption, or "Biểu N", or a generic name: what a citation calls the table."""
        return self.caption or (f"Biểu {self.number}" if self.number else "Bảng số liệu")


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
    # where ``periods`` came from: "title" | "heading" (the report says what it reports on),
    # "text" (read from the dates and periods its body states) | "none"
    period_source: str = "none"
    places: tuple[str, ...] = ()  # provinces the text names, most often named first
    tables: list[Table] = field(default_factory=list)
    ocr_pages: tuple[int, ...] = ()  # pages read by OCR (the file had no text layer there)
    poor_pages: tuple[int, ...] = ()  # scanned pages OCR could not read well: not indexed

    def table(self, table_id: str) -> Table | None:
        return next((t for t in self.tables if t.table_id == table_id), None)


@dataclass(frozen=True)
class TableRef(Record):
    """What a table-row chunk carries of its row, so an answer can name the cell without
    loading the document: the columns shown in the chunk and their cells, in order."""

    table_id: str
    row: int  # index into Table.rows
    caption: str
    label_path: tuple[str, ...]
    unit: str
    columns: tuple[str, ...]  # column names ("Năm 2019 > Kế hoạch năm 2019")
    cells: tuple[str, ...]  # cell texts, aligned with ``columns``
    col_index: tuple[int, ...]  # the table column of each
    page: int | None = None
    sheet: str = ""  # the worksheet of a workbook's table
    specs: tuple[TableColumn, ...] = ()  # the column records (period, basis, unit), if read
    values: tuple[float | None, ...] = ()  # the parsed number of each cell, if read


# The section path of a document's heading block (number, date, subject, addressees),
# chunked on its own by ``rag.chunk``: no section of the body holds those facts.
FRONT_SECTION = "Đầu văn bản"
# ... and of its signature block (who signed, as what, the digital stamp's date).
SIGN_SECTION = "Người ký"
FACT_SECTIONS = ((FRONT_SECTION,), (SIGN_SECTION,))  # blocks that state a document's facts
# ... and of the footnotes whose markers the text lost and that no page places (a copy's
# table cells and headers drop their markers): they are searched and cited on their own.
NOTES_SECTION = "Chú thích"


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
    table: TableRef | None = None  # set on a table-row chunk

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
