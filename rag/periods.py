"""Reporting periods in text: parse them from titles, headings and questions, and match them.

Pure functions over folded lowercase text, so "tháng 5/2024" and
"thang 5/2024" read the same. "tháng 5" is the month; "5 tháng" is the
cumulative figure from January, which officials ask for separately.
"""

from __future__ import annotations

import re

from rag.records import Period
from rag.text import fold_accents

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_Y = r"(?:\s*(?:/|-|nam)?\s*(?P<year>(?:19|20)\d{2})\b)?"
_DATES = re.compile(
    r"ngay\s*\d{0,2}\s*thang\s*\d{1,2}\s*nam\s*\d{4}|\b\d{1,2}/\d{1,2}/\d{4}\b"
    r"|\b\d{4}\s*-\s*\d{4}\b|\b\d+\s*nam\b(?!\s*(?:19|20)\d{2})"
)
# A span of time, not a period of report: "không quá 12 tháng kể từ ngày nhận", "sau 3
# tháng", "trong vòng 6 tháng" (a deadline's length); "N tháng đầu năm" and "N tháng
# 2021" are always periods ("mỗi" is left out: folded, it is "mới", as in "thành lập mới").
_DURATIONS = re.compile(
    r"\b(?:khong qua|toi da|toi thieu|it nhat|sau|trong vong|trong thoi han|thoi han|"
    r"keo dai)\s+\d{1,2}\s+thang\b(?!\s+dau|\s*(?:/|-|nam)?\s*(?:19|20)\d{2})"
    r"|\b\d{1,2}\s+thang\s+(?:ke tu|tinh tu)\b")
_PATTERNS = [
    ("combo", re.compile(r"\bthang\s+0?(?P<m>\d{1,2})\s+va\s+(?P<n>\d{1,2})\s+thang"
                         r"(?:\s+dau)?(?:\s+nam)?(?:\s*[/-]?\s*(?P<year>(?:19|20)\d{2}))?")),
    ("cumulative", re.compile(r"\b(?:luy\s+ke\s+)?(?P<n>\d{1,2})\s+thang(?:\s+dau)?(?:\s+nam)?"
                              + _Y)),
    ("month", re.compile(r"\bthang\s+0?(?P<m>\d{1,2})(?![\d/]*/\d{1,2}/)" + _Y)),
    ("month", re.compile(r"\bt0?(?P<m>\d{1,2})\s*[/-]\s*(?P<year>(?:19|20)\d{2})\b")),
    ("quarter", re.compile(r"\bquy\s+(?P<q>iv|i{1,3}|[1-4])\b" + _Y)),
    ("quarter", re.compile(r"\bq(?P<q>[1-4])\s*[/-]\s*(?P<year>(?:19|20)\d{2})\b")),
    ("year", re.compile(r"\bnam\s+(?P<year>(?:19|20)\d{2})\b(?!\s*-\s*\d{4})")),
]


def _label(kind: str, year: int | None, start: int, end: int) -> str:
    y = f"/{year}" if year else ""
    ny = f" {year}" if year else ""
    if kind == "month":
        return f"tháng {end}{y}"
    if kind == "cumulative":
        return f"{end} tháng đầu năm{ny}"
    if kind == "quarter":
        return f"quý {['I', 'II', 'III', 'IV'][end // 3 - 1]}{y}"
    return f"năm {year}"


def make_period(kind: str, year: int | None, start: int, end: int) -> Period:
    return Period(year, start, end, kind, _label(kind, year, start, end))


def _from_match(kind: str, m: re.Match, default_year: int | None) -> list[Period]:
    year = int(m.group("year")) if m.groupdict().get("year") else default_year
    if kind == "combo":
        month, n = int(m.group("m")), int(m.group("n"))
        if not (1 <= month <= 12 and 1 <= n <= 12):
            return []
        return [make_period("month", year, month, month), make_period("cumulative", year, 1, n)]
    if kind == "cumulative":
        n = int(m.group("n"))
        return [make_period("cumulative", year, 1, n)] if 2 <= n <= 12 else []
    if kind == "month":
        month = int(m.group("m"))
        return [make_period("month", year, month, month)] if 1 <= month <= 12 else []
    if kind == "quarter":
        q = _ROMAN.get(m.group("q")) or int(m.group("q"))
        return [make_period("quarter", year, 3 * q - 2, 3 * q)]
    return [make_period("year", year, 1, 12)]


def parse_periods(text: str, default_year: int | None = None) -> list[Period]:
    """Periods named in ``text``, in order of appearance, without duplicates."""
    folded = fold_accents(text.lower())
    folded = _DATES.sub(lambda m: " " * len(m.group(0)), folded)
    folded = _DURATIONS.sub(lambda m: " " * len(m.group(0)), folded)
    taken = [False] * len(folded)
    found: list[tuple[int, Period]] = []
    for kind, rx in _PATTERNS:
        for m in rx.finditer(folded):
            if any(taken[m.start():m.end()]):
                continue
            periods = _from_match(kind, m, default_year)
            if periods:
                taken[m.start():m.end()] = [True] * (m.end() - m.start())
                found.extend((m.start() + i, p) for i, p in enumerate(periods))
    out: list[Period] = []
    for _, p in sorted(found, key=lambda x: x[0]):
        if p not in out:
            out.append(p)
    return out


_CUTOFF = re.compile(r"\b(?:tinh\s+)?den\s+(?:het\s+)?(?:ngay\s+)?\d{1,2}\s*/\s*0?(?P<m>\d{1,2})"
                     r"\s*/\s*(?P<year>(?:19|20)\d{2})\b")


def cutoff_periods(text: str) -> list[Period]:
    """"(tính) đến (hết) (ngày) 31/01/2023" names the month of its cut-off date."""
    folded = fold_accents(text.lower())
    return [make_period("month", int(m.group("year")), int(m.group("m")), int(m.group("m")))
            for m in _CUTOFF.finditer(folded) if 1 <= int(m.group("m")) <= 12]


def parse_query_periods(text: str) -> list[Period]:
    """Periods of a question. Besides ``parse_periods``: "(tính) đến (hết) 31/01/2023"
    names the report's cut-off, so it asks for the report of month 1/2023 (in
    "vốn năm 2022 đến hết 31/01/2023" the year is the capital plan's, not the report's)."""
    cutoffs = cutoff_periods(text)
    if not cutoffs:
        return parse_periods(text)
    return cutoffs + [p for p in parse_periods(text) if p.kind != "year" and p not in cutoffs]


def parse_date(text: str) -> str | None:
    """"ngày 04 tháng 6 năm 2024" or "04/6/2024" -> "2024-06-04"; a blank day gives "2021-10"."""
    folded = fold_accents(text.lower())
    m = re.search(r"ngay\s*(\d{0,2})\s*thang\s*(\d{1,2})\s*nam\s*(\d{4})", folded)
    if m:
        day, month, year = m.groups()
    else:
        m = re.search(r"\b(\d{1,2})/(\d{1,2})/(\d{4})\b", folded)
        if not m:
            return None
        day, month, year = m.groups()
    iso = f"{year}-{int(month):02d}"
    return f"{iso}-{int(day):02d}" if day else iso


def period_overlap(query: Period, doc: Period) -> float:
    """1.0 same months (and year); 0.5 one inside the other; 0.25 overlapping; 0 disjoint.

    A question with no year matches any year by its months, because "tháng 5?"
    asked today means the report that has a May.
    """
    if query.year is not None and doc.year is not None and query.year != doc.year:
        return 0.0
    qs, qe, ds, de = query.start_month, query.end_month, doc.start_month, doc.end_month
    if (qs, qe) == (ds, de):
        return 1.0
    if (ds >= qs and de <= qe) or (qs >= ds and qe <= de):
        return 0.5
    if ds <= qe and qs <= de:
        return 0.25
    return 0.0


def best_period_match(query_periods: list[Period], doc_periods: list[Period]) -> float:
    return max((period_overlap(q, d) for q in query_periods for d in doc_periods), default=0.0)


def covers(doc: Period, query: Period) -> bool:
    """Whether a report of period ``doc`` can answer for the asked period: its months must
    contain the asked ones (a January report cannot give "6 tháng đầu năm"). A year asked
    is covered by any report of that year, which gives the year's plan and estimates."""
    if query.year is not None and doc.year is not None and query.year != doc.year:
        return False
    if query.kind == "year":
        return True
    return doc.start_month <= query.start_month and query.end_month <= doc.end_month
