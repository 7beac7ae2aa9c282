"""The period a figure is for: cues in its sentence first, then the report's own periods.

Cues are read on accent-folded lowercase text of the same length as the original, so
their offsets are the sentence's. "tháng 5" is the month; "lũy kế 5 tháng", "5 tháng
đầu năm", "hết tháng 5" are the cumulative figure to May; "tính đến ngày 23/5/2024" is a
cut-off (a stock is the month of its cut-off, a flow the report period ending there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rag.records import Period
from rag.text import fold_accents

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Y = r"(?:\s*(?:/|-|nam)\s*(?P<y>(?:19|20)\d{2})\b)?"
_DATE = r"(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})"
# (kind, pattern) in priority order: a span taken by an earlier pattern is not read again.
_CUES = [
    ("from_start", re.compile(r"tu\s+dau\s+nam\s+den\s+(?:het\s+)?(?:ngay\s+)?(?P<d>\d{1,2})"
                              r"\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>(?:19|20)\d{2}))?")),
    ("window", re.compile(r"tu\s+ngay\s+\d{1,2}\s*/\s*\d{1,2}\s*/\s*\d{4}\s+den\s+(?:ngay\s+)?"
                          + _DATE)),
    ("cutoff", re.compile(r"(?:tinh\s+|uoc\s+)?den\s+(?:het\s+)?(?:ngay\s+)?" + _DATE)),
    ("to_month", re.compile(r"(?:den\s+)?het\s+thang\s+0?(?P<m>\d{1,2})" + _Y)),
    ("to_quarter", re.compile(r"(?:den\s+)?het\s+quy\s+(?P<q>iv|i{1,3}|[1-4])\b" + _Y)),
    ("cumulative", re.compile(r"(?:(?:luy\s+ke|tinh\s+chung|trong)\s+)?\b(?P<n>\d{1,2})\s+thang"
                              r"(?:\s+dau)?(?:\s+nam)?(?:\s*(?:/|nam)?\s*(?P<y>(?:19|20)\d{2}))?")),
    ("month", re.compile(r"\bthang\s+0?(?P<m>\d{1,2})\b(?!\s*/\s*\d{1,2}\s*/)" + _Y)),
    ("this_month", re.compile(r"\btrong\s+thang\b")),
    ("quarter", re.compile(r"\bquy\s+(?P<q>iv|i{1,3}|[1-4])\b" + _Y)),
    ("this_quarter", re.compile(r"\btrong\s+quy\b")),
    ("this_year", re.compile(r"\bca\s+nam\b")),
    ("year", re.compile(r"\bnam\s+(?P<y>(?:19|20)\d{2})\b(?!\s*-\s*\d{4})")),
]
# "kế hoạch vốn năm 2021", "nguồn vốn đầu tư công năm 2022": the year of a capital plan
_PLAN_YEAR = re.compile(r"(?:ke\s+hoach|von|dau\s+tu\s+cong|du\s+an)\s*$")
_NOT_A_PERIOD = re.compile(r"(?:so\s+voi|so|giai\s+doan|cung\s+ky)\s*$")


@dataclass(frozen=True)
class Cue:
    """A period phrase in a sentence; ``start``/``end`` are offsets in that sentence."""

    start: int
    end: int
    kind: str
    year: int | None = None
    month: int | None = None  # month, end month, or cut-off month
    day: int | None = None
    n: int | None = None  # cumulative months / quarter number
    plan_year: bool = False  # "kế hoạch vốn năm X"


class _FoldTable(dict):
    """code point -> its lowercase folded character, filled on first use (str.translate)."""

    def __missing__(self, code: int) -> str:
        self[code] = value = (fold_accents(chr(code).lower()) or " ")[0]
        return value


_FOLD = _FoldTable()


def fold_same_length(text: str) -> str:
    """Lowercase, accents folded, one character for one, so offsets carry over."""
    return text.translate(_FOLD)


def find_cues(text: str) -> list[Cue]:
    """Period cues of ``text`` in order of appearance."""
    folded = fold_same_length(text)
    taken = [False] * len(folded)
    found = []
    for kind, rx in _CUES:
        for m in rx.finditer(folded):
            if any(taken[m.start():m.end()]):
                continue
            cue = _cue(kind, m, folded)
            if cue is not None:
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                found.append(cue)
    return sorted(found, key=lambda c: c.start)


def _int(m: re.Match, name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def _cue(kind: str, m: re.Match, folded: str) -> Cue | None:
    y, mo, d, n = _int(m, "y"), _int(m, "m"), _int(m, "d"), _int(m, "n")
    if kind in ("quarter", "to_quarter"):
        n = _ROMAN[m.group("q")]
    if mo is not None and not 1 <= mo <= 12 or n is not None and kind == "cumulative" \
            and not 2 <= n <= 12:
        return None
    before = folded[max(0, m.start() - 30):m.start()]
    if kind == "year" and _NOT_A_PERIOD.search(before):
        return None
    plan_year = kind == "year" and bool(_PLAN_YEAR.search(before))
    return Cue(m.start(), m.end(), kind, y, mo, d, n, plan_year)


@dataclass(frozen=True)
class ReportTime:
    """What the report says about time: its periods (or its tasks' periods) and year."""

    periods: tuple[Period, ...]
    year: int | None

    @classmethod
    def of(cls, periods: tuple[Period, ...], fallback_year: int | None = None) -> ReportTime:
        years = [p.year for p in periods if p.year]
        return cls(periods, max(years) if years else fallback_year)

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
    """A Period with its label; "half" is the first six months."""
    from rag.periods import make_period

    if kind == "cumulative" and start == end == 1:
        kind = "month"
    if kind == "half":
        return Period(year, start, end, "half", f"6 tháng đầu năm {year}" if year else
                      "6 tháng đầu năm")
    if kind == "year" and year is None:
        return Period(None, 1, 12, "year", "không rõ kỳ")
    return make_period(kind, year, start, end)


def _iso(y: int, m: int, d: int | None) -> str:
    return f"{y}-{m:02d}-{d:02d}" if d else f"{y}-{m:02d}"


def resolve(cue: Cue | None, rt: ReportTime, stock: bool) -> tuple[Period, str | None]:
    """The period (and cut-off date) a cue names, read against the report's periods."""
    if cue is None:
        return rt.default(), None
    y = cue.year or rt.year
    if cue.kind in ("from_start", "window"):
        return period("cumulative", y, 1, cue.month), _iso(y, cue.month, cue.day)
    if cue.kind == "cutoff":
        return _cutoff(cue, rt, stock)
    if cue.kind == "to_month":
        return period("cumulative", y, 1, cue.month), None
    if cue.kind == "to_quarter":
        return period("half" if cue.n == 2 else "cumulative", y, 1, 3 * cue.n), None
    if cue.kind == "cumulative":
        return period("cumulative", y, 1, cue.n), None
    if cue.kind == "month":
        late = cue.year is None and rt.periods and cue.month > max(p.end_month for p in rt.periods)
        return period("month", (y - 1) if late and y else y, cue.month, cue.month), None
    if cue.kind == "this_month":
        return rt.of_kind("month") or rt.default(), None
    if cue.kind == "quarter":
        return period("quarter", y, 3 * cue.n - 2, 3 * cue.n), None
    if cue.kind == "this_quarter":
        return rt.of_kind("quarter") or rt.default(), None
    return period("year", y, 1, 12), None  # this_year, year


def _cutoff(cue: Cue, rt: ReportTime, stock: bool) -> tuple[Period, str | None]:
    """A stock is the month of its cut-off; a flow is the report period ending there."""
    y, m = cue.year, cue.month
    as_of = _iso(y, m, cue.day)
    if stock:
        return period("month", y, m, m), as_of
    return rt.ending(y, m) or period("cumulative", y, 1, m), as_of
