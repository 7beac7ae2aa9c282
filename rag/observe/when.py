"""The period a figure is for: the time phrases of its sentence, read by the one grammar
(``rag.periods``), then the report's own periods.

A cue is a ``Mention`` of the grammar that can give a figure its period: a result period,
a cut-off date, the report's own period named without a number ("trong tháng"), or a plan
year (a plan's figure takes it). Comparison bases ("so với cùng kỳ năm 2024") and dates of
documents are never cues. "tháng 5" is the month; "lũy kế 5 tháng", "5 tháng đầu năm",
"hết tháng 5" are the cumulative figure to May; "tính đến ngày 23/5/2024" is a cut-off (a
stock is the month of its cut-off, a flow the report period ending there).
"""

from __future__ import annotations

from dataclasses import dataclass

from rag.periods import Mention, find_periods, fold_same_length, make_period
from rag.records import Period

Cue = Mention
__all__ = ["Cue", "ReportTime", "carried", "find_cues", "fold_same_length", "is_plan_year",
           "period", "resolve"]


def find_cues(text: str) -> list[Cue]:
    """The cues of ``text`` in order of appearance (a plan's horizon or due date gives a
    plan's figure its period)."""
    return [m for m in find_periods(text) if m.role in ("period", "asof", "this")
            or m.role == "plan" and m.kind != "span"]


def is_plan_year(cue: Cue) -> bool:
    """"kế hoạch vốn năm 2021", "dự toán năm 2026", "đến năm 2030": a plan's year."""
    return cue.role == "plan" and cue.kind == "year"


def carried(cue: Cue) -> bool:
    """A paragraph's month or cumulative lead-in carries to the sentences after it (not a
    year, a quarter or a cut-off date: those belong to their own sentence)."""
    return cue.role in ("period", "this") and cue.kind in ("month", "cumulative", "month_this")


@dataclass(frozen=True)
class ReportTime:
    """What the report says about time: its periods (or its tasks' periods) and year."""

    periods: tuple[Period, ...]
    year: int | None
    plans: tuple[Period, ...] = ()  # the plan horizons its title names
    issued: str | None = None  # its date of issue, ISO ("2025-11-18"), for "hiện nay"

    @classmethod
    def of(cls, periods: tuple[Period, ...], fallback_year: int | None = None,
           plans: tuple[Period, ...] = (), issued: str | None = None) -> ReportTime:
        """The report's year is that of its first (main) period, else its date's."""
        years = [p.year for p in periods if p.year]
        return cls(periods, years[0] if years else fallback_year, plans, issued)

    def now(self, stock: bool) -> tuple[Period, str | None]:
        """"Hiện nay", "đến nay": the end of the report's own period (a monthly report is
        posted weeks after its month), else a cut-off at the date of issue (a notice); a
        stock stands in that month, a flow is the report period ending there."""
        dated = [p for p in self.periods if p.year]
        parts = [int(x) for x in (self.issued or "").split("-") if x.isdigit()]
        if dated:
            last = max(dated, key=lambda p: (p.year, p.end_month))
            y, m, as_of = last.year, last.end_month, None
        elif len(parts) >= 2:
            y, m, as_of = parts[0], parts[1], self.issued if len(parts) == 3 else None
        else:
            return self.default(), None
        if stock:
            return period("month", y, m, m), as_of
        return self.ending(y, m) or period("cumulative", y, 1, m), as_of

    def plan(self) -> Period | None:
        """The one plan horizon of a plan's title ("dự toán … năm 2026"): the period of its
        targets that state none; None when it names several or none."""
        return self.plans[0] if len(self.plans) == 1 else None

    def default(self) -> Period:
        if self.periods:
            return self.periods[0]
        return period("year", self.year, 1, 12)

    def of_kind(self, kind: str) -> Period | None:
        return next((p for p in self.periods if p.kind == kind), None)

    def ending(self, year: int, month: int) -> Period | None:
        """The report period ending in that month, a cumulative one before the month's own."""
        hits = [p for p in self.periods if p.year == year and p.end_month == month]
        return min(hits, key=lambda p: p.kind == "month", default=None)


def period(kind: str, year: int | None, start: int, end: int) -> Period:
    """A Period with its label; an unknown year's "year" is "không rõ kỳ"."""
    if kind == "year" and year is None:
        return Period(None, 1, 12, "year", "không rõ kỳ")
    if kind == "half":  # a table's "ƯTH 6 tháng": the first six months
        return Period(year, start, end, "half", f"6 tháng đầu năm {year}" if year else
                      "6 tháng đầu năm")
    return make_period(kind, year, start, end)


def resolve(cue: Cue | None, rt: ReportTime, stock: bool) -> tuple[Period, str | None]:
    """The period (and cut-off date) a cue names, read against the report's periods."""
    if cue is None:
        return rt.default(), None
    y = cue.year or rt.year
    if cue.role == "asof" or cue.kind == "date":  # a cut-off, or the date a task is due by
        return _cutoff(cue, rt, stock)
    if cue.role == "this":
        if cue.kind in ("now", "to_now"):  # "hiện nay" states what stands at that date
            return rt.now(stock or cue.kind == "now")
        if cue.kind == "year":
            return period("year", rt.year, 1, 12), None
        kind = "month" if cue.kind == "month_this" else "quarter"
        return rt.of_kind(kind) or rt.default(), None
    if cue.kind == "month":
        late = cue.year is None and rt.periods and cue.last > max(p.end_month
                                                                   for p in rt.periods)
        return period("month", (y - 1) if late and y else y, cue.last, cue.last), cue.as_of
    if cue.kind == "span":
        return period("span", y, cue.first, cue.last), None
    return period(cue.kind, y, cue.first, cue.last), cue.as_of


def _cutoff(cue: Cue, rt: ReportTime, stock: bool) -> tuple[Period, str | None]:
    """A stock is the month of its cut-off; a flow is the report period ending there."""
    y, m = cue.year, cue.last
    if stock:
        return period("month", y, m, m), cue.as_of
    return rt.ending(y, m) or period("cumulative", y, 1, m), cue.as_of
