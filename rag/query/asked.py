"""The periods a question asks for, read by the one period grammar (``rag.periods``).

A question names the period of its figure, and often others that are not asked: a report
that picks the source ("theo báo cáo 9 tháng 2021"), a capital plan's year, the base of a
comparison ("so với năm 2014"), a cut-off date. Each is told apart here, once, for the
``Question`` record.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.periods import find_periods, make_period, mention_period
from rag.records import Across, Period
from rag.text import fold_accents

# Across periods: a range of years, a trend word, or two asked periods.
_SPAN_WORDS = re.compile(r"\bqua\s+cac\s+(?:ky|nam|thang|quy|dot|bao\s+cao)\b|\bcac\s+(?:nam|ky)\b|"
                         r"\bxu\s+huong\b|\bdien\s+bien\b|\bbien\s+dong\b|\btung\s+(?:thang|quy|nam)\b")
_PERIOD_START = (r"(?:nam\s+|thang\s+|quy\s+|ky\s+)?"
                 r"(?:(?:19|20)\d{2}|\d{1,2}\s*/\s*(?:19|20)\d{2}|[ivx]+\b)")
_RANGE = re.compile(rf"\btu\s+(?P<a>{_PERIOD_START}.*?)\s+den\s+(?P<b>nay|hien\s+nay|.+)$")
YEAR = re.compile(r"\b((?:19|20)\d{2})\b")
# Periods that pick a report or a capital plan, not periods asked about:
# "(báo cáo 9 tháng 2021)", "nêu trong báo cáo tháng 1/2023", "kế hoạch vốn năm 2021".
NOT_ASKED = re.compile(r"\([^()]*\)|\bbao\s+cao\s+(?:ky\s+)?(?:thang\s+\d{1,2}(?:\s*/\s*\d{4})?|"
                        r"quy\s+\w+(?:\s*/\s*\d{4})?|\d{1,2}\s+thang(?:\s+dau\s+nam)?(?:\s+\d{4})?|"
                        r"nam\s+\d{4})|\bke\s+hoach(?:\s+\w+){0,4}?\s+nam\s+\d{4}")
_RATIO = re.compile(r"%|\bphan tram\b|\bty le\b|\bgap\s+(?:bao nhieu|may)\b")


def asked_periods(text: str, plans: bool = False) -> list[Period]:
    """The periods a question (or a period filter) asks for. "(tính) đến
    (hết) 31/01/2023" names the report's cut-off month (in "vốn năm 2022 đến hết
    31/01/2023" the year is the capital plan's); "5 tháng và 6 tháng đầu năm 2024" gives
    both the one year."""
    mentions = [_as_cutoff(m) for m in find_periods(text, question=True)]
    # with ``plans``, a plan's year is asked too: "dự toán thu NSNN năm 2027" wants the
    # 2027 estimate (of a figure; reports are not picked by the plans they speak of)
    roles = ("period", "plan") if plans else ("period",)
    periods = [p for m in mentions if m.role in roles and m.kind != "span"
               and (p := mention_period(m))]
    cutoffs = [p for m in mentions if m.role == "asof" and (p := mention_period(m))]
    if cutoffs:
        periods = cutoffs + [p for p in periods if p.kind != "year"]
    years = {p.year for p in periods if p.year} or {_year_from_base(mentions, periods)} - {None}
    if len(years) == 1:
        year = next(iter(years))
        periods = [p if p.year else make_period(p.kind, year, p.start_month, p.end_month)
                   for p in periods]
    return list(dict.fromkeys(periods + _compared(mentions, periods)))


def _year_from_base(mentions: list, periods: list[Period]) -> int | None:
    """A base is earlier than the figure compared with it: in "chỉ số giá tháng Bảy so với
    tháng 12 năm 2024" the month is July 2025; after "so với tháng 6/2024" it is July 2024."""
    base = next((m for m in mentions if m.role == "base" and m.year and m.last), None)
    if base is None or not periods:
        return None
    return base.year if periods[0].end_month > base.last else base.year + 1


def dated_base(text: str) -> Period | None:
    """The base a question compares its period with, when it names one with its year and
    it is a base ("năm 2015 so với năm 2014"), not a second figure to set beside."""
    asked = asked_periods(text)
    if not asked or asked[0].year is None:
        return None
    return next((b for b in _bases(find_periods(text, question=True)) if _is_base(b, asked[0])),
                None)


def _compared(mentions: list, periods: list[Period]) -> list[Period]:
    """A period after "so với" that is no base of the asked one is a second figure to set
    beside it ("thu ngân sách quý I/2022 so với tháng 1/2023": a later quarter); a base is
    the same kind of period earlier in the year, or of the year before ("năm 2015 so với
    năm 2014", "tháng Bảy so với tháng 12 năm 2024"), and the report states that ratio."""
    if not periods or periods[0].year is None:
        return []
    return [b for b in _bases(mentions) if not _is_base(b, periods[0])]


def _bases(mentions: list) -> list[Period]:
    """The dated periods named after "so với" (the grammar's ``base`` role)."""
    return [p for m in mentions if m.role == "base" and m.year
            and (p := mention_period(replace(m, role="period"))) is not None]


def _is_base(base: Period, asked: Period) -> bool:
    earlier = (base.year, base.end_month) < (asked.year, asked.start_month)
    return base.year == asked.year - 1 or earlier and base.kind == asked.kind


def _as_cutoff(m):
    """A full date in a question asks for what stood at that date ("dư nợ Hưng Yên
    30/4/2025"): a cut-off, as "tính đến ngày 30/4/2025" would say."""
    if m.role == "date" and m.day and m.year and m.last:
        return replace(m, role="asof", as_of=f"{m.year}-{m.last:02d}-{m.day:02d}")
    return m


_TO_MONTH_END = re.compile(r"\b(?:het|den|toi)\s+(?:het\s+)?thang\s+0?(\d{1,2})\s*[/-]\s*"
                           r"((?:19|20)\d{2})\b")


def cutoff(text: str) -> str | None:
    """The cut-off a question asks by: a date ("đến hết 31/01/2023"), ISO, or a month's end
    ("tính đến hết tháng 1/2022", "đến tháng 11/2025": "2022-01", "2025-11"): a figure
    counted to a day of that month answers it."""
    found = next((m.as_of for m in map(_as_cutoff, find_periods(text, question=True))
                  if m.role == "asof" and m.as_of), None)
    if found:
        return found
    month = _TO_MONTH_END.search(fold_accents(text.lower()))
    return f"{month.group(2)}-{int(month.group(1)):02d}" if month else None


def across(text: str, low: str, base: Period | None = None) -> Across | None:
    """A range ("từ 2021 đến nay"), a trend word ("qua các kỳ", "các năm", "xu hướng",
    "từng quý"), or two or more asked periods (with ``base``, the dated base it names). A
    period in brackets or after "báo cáo" picks a report and a "kế hoạch … năm X" is a
    capital plan: neither is asked."""
    rng = _RANGE.search(low)
    if rng:
        a = YEAR.search(rng.group("a"))
        b = None if rng.group("b").strip() in ("nay", "hien nay") else YEAR.search(rng.group("b"))
        return Across((), int(a.group(1)) if a else None, int(b.group(1)) if b else None)
    periods = asked_periods(NOT_ASKED.sub(" ", low))
    periods += [base] if base is not None else []  # shown beside when no report states both
    years = {p.year for p in periods if p.kind != "year"}
    periods = [p for p in periods if not (p.kind == "year" and p.year in years)]
    if _RATIO.search(low):
        return None  # "ƯTH 2019 so với TH 2018 (%)": the ratio a report states, not a series
    if len(periods) >= 2 or _SPAN_WORDS.search(low):
        return Across(tuple(periods))
    return None
