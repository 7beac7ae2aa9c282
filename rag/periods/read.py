"""``Period`` records from text, through the one grammar (``rag.periods.grammar``).

"tháng 5" is the month; "5 tháng" is the cumulative figure from January, which officials
ask for separately. Titles, headings and questions are read by the same rules as figures.
"""

from __future__ import annotations

from rag.periods.grammar import Mention, find_periods
from rag.records import Period

_QUARTERS = ("I", "II", "III", "IV")


def _label(kind: str, year: int | None, start: int, end: int) -> str:
    y = f"/{year}" if year else ""
    ny = f" {year}" if year else ""
    if kind == "month":
        return f"tháng {end}{y}"
    if kind == "cumulative":
        return f"{end} tháng đầu năm{ny}"
    if kind == "quarter":
        return f"quý {_QUARTERS[end // 3 - 1]}{y}"
    if kind == "span":
        return f"tháng {start}–{end}{y}"
    return f"năm {year}" if year else "cả năm"


def make_period(kind: str, year: int | None, start: int, end: int) -> Period:
    if kind == "cumulative" and start == end == 1:
        kind = "month"
    if kind == "cumulative" and (start, end) == (1, 12):
        kind = "year"
    return Period(year, start, end, kind, _label(kind, year, start, end))


def mention_period(m: Mention, default_year: int | None = None) -> Period | None:
    """The period a mention names (a cut-off date names its month); None for a date, a
    comparison base, a span of years or a period without its months."""
    year = m.year or default_year
    if m.role in ("date", "base", "name") or m.first is None or m.kind == "span" and m.end_year:
        return None
    if m.kind == "date" and m.role != "asof":
        return None  # a due date: not a period
    if m.role == "asof":
        return make_period("month", year, m.last, m.last)
    return make_period(m.kind, year, m.first, m.last)


def parse_periods(text: str, default_year: int | None = None,
                  roles: tuple[str, ...] = ("period",), header: bool = False) -> list[Period]:
    """Periods of ``roles`` named in ``text``, in order of appearance, without duplicates
    (result periods by default: not comparison bases, plan horizons or dates); ``header``:
    ``text`` is a table's column header, where a bare year is a year ("TH 2019")."""
    out: list[Period] = []
    for m in find_periods(text, header=header):
        p = mention_period(m, default_year) if m.role in roles else None
        if p is not None and p not in out:
            out.append(p)
    return out


def cutoff_periods(text: str, question: bool = False) -> list[Period]:
    """"(tính) đến (hết) (ngày) 31/01/2023" names the month of its cut-off date."""
    out = [mention_period(m) for m in find_periods(text, question) if m.role == "asof"]
    return list(dict.fromkeys(p for p in out if p is not None))


def parse_query_periods(text: str) -> list[Period]:
    """Periods of a question. Besides its result periods (also a bare "5/2024"): "(tính)
    đến (hết) 31/01/2023" names the report's cut-off, so it asks for the report of month
    1/2023 (in "vốn năm 2022 đến hết 31/01/2023" the year is the capital plan's)."""
    mentions = find_periods(text, question=True)
    periods = [p for m in mentions if m.role == "period" and (p := mention_period(m))]
    cutoffs = [p for m in mentions if m.role == "asof" and (p := mention_period(m))]
    if not cutoffs:
        return list(dict.fromkeys(periods))
    return list(dict.fromkeys(cutoffs + [p for p in periods if p.kind != "year"]))


def parse_date(text: str) -> str | None:
    """"ngày 04 tháng 6 năm 2024" or "04/6/2024" -> "2024-06-04"; a blank day gives "2021-10"."""
    for m in find_periods(text):
        if m.kind == "date" and m.year:
            iso = f"{m.year}-{m.last:02d}"
            return f"{iso}-{m.day:02d}" if m.day else iso
    return None
