"""Records of the observe stage: statements, each figure with its period and place."""

from __future__ import annotations

from dataclasses import dataclass

from rag.records.ingest import Period
from rag.serialize import Record


@dataclass(frozen=True)
class Comparison(Record):
    """A comparison printed next to a figure: "đạt 53% dự toán", "tăng 30,9% so với cùng kỳ".

    ``kind``: plan_pct | yoy_pct | yoy_abs | other (then ``basis`` says against what:
    yoy_ratio, vs_start_of_year, mom, denominator, ...). ``value`` is signed ("giảm" < 0).
    """

    text: str
    kind: str
    value: float
    basis: str | None = None


@dataclass(frozen=True)
class Observation(Record):
    """One printed figure of one indicator for one period, with where it stands.

    ``group`` is the normalised indicator key that different wordings share ("thu NSNN",
    "tổng thu ngân sách nhà nước trên địa bàn" -> one key); ``figure`` is the number with
    its unit exactly as printed, so an answer quoting it passes the figure check.
    Each report's own figure is kept (early estimates are revised by later reports).
    """

    indicator: str
    group: str
    value_text: str
    value: float
    unit: str | None
    period: Period
    doc_id: str
    chunk_id: str
    quote: str  # the sentence (or footnote text) the figure stands in
    figure: str = ""
    comparisons: tuple[Comparison, ...] = ()
    is_plan: bool = False
    as_of: str | None = None  # cut-off date (ISO) of a stock or a "tính đến ngày" figure
    footnote: int | None = None  # the footnote the quote is, None for body text
    span: tuple[int, int] | None = None  # the quote's offsets in Document.text
    # what narrows the figure to part of the whole its name says: "tính riêng tại Hải
    # quan tỉnh Lạng Sơn", "khu vực có vốn đầu tư nước ngoài"; never charted as the total
    scope: str = ""
    component: bool = False  # a part of the figure before it ("trong đó", "gồm")
    place: str | None = None  # the place the statement is about when it names one
    at: int | None = None  # the figure's offset in Document.text (in the note for a footnote)
    stated: bool = True  # the text states its period; False: the report's, for want of a cue
