"""Period labels of quoted figures, and the nearest period that has a report.

A report for May often gives both the month's figure and the cumulative one
("tháng 5 …; lũy kế 5 tháng …"), so each quoted unit is labelled with the
period it states itself, else with the one its sentence opens with ("Hết
tháng 5, …"), else with its report's periods.
"""

from __future__ import annotations

import re

from rag.periods import parse_periods
from rag.records import Chunk, Period
from rag.text import fold_accents

_CUMULATIVE = ("luy ke", "tu dau nam", "thang dau nam", "tinh tu dau", "het thang")
# "Hết tháng 5" is the total up to the end of May, not May's own figure.
_MONTH_WORDS = re.compile(r"\btrong thang\b|(?<!het )\bthang 0?\d{1,2}\b(?!\s*dau)")
_HET_THANG = re.compile(r"\bhet thang 0?(\d{1,2})\b")
# The time phrases of a sentence, to find the one nearest before a clause.
_TIME_WORDS = re.compile(
    r"(?P<cum>\bluy ke\b|\b\d{1,2} thang\b|\bhet thang\b|\btu dau nam\b)"
    r"|(?P<month>\btrong thang\b|(?<!het )\bthang 0?\d{1,2}\b(?!\s*dau))")


def _kinds(text: str, periods: list[Period]) -> list[Period]:
    """The chunk periods ``text`` speaks of: those it states ("trong 5 tháng" is the
    cumulative figure), else those its time words point at; [] when it says nothing."""
    year = next((p.year for p in periods if p.year), None)
    folded = fold_accents(text.lower())
    stated = parse_periods(_HET_THANG.sub(r"\1 thang dau nam", folded), default_year=year)
    named = [p for p in periods if any(s.kind == p.kind and s.end_month == p.end_month
                                       and s.start_month == p.start_month for s in stated)]
    if named:
        return named
    wanted = set()
    if any(w in folded for w in _CUMULATIVE):
        wanted.add("cumulative")
    if _MONTH_WORDS.search(folded):
        wanted.add("month")
    return [p for p in periods if p.kind in wanted]


def stated_kinds(text: str, periods: tuple[Period, ...]) -> frozenset[str]:
    """The kinds of the report's periods a unit states itself (empty when it says none)."""
    return frozenset(p.kind for p in _kinds(text, list(periods))) if len(periods) > 1 \
        else frozenset()


def unit_kinds(unit: str, prefix: str, periods: tuple[Period, ...]) -> frozenset[str]:
    """The kinds a unit speaks of: its own time words, else those of the nearest clause
    before it in its sentence ("…; lũy kế 5 tháng đạt …, trong đó …; thu từ XNK …")."""
    own = stated_kinds(unit, periods)
    if own or len(periods) < 2:
        return own
    last = None
    for m in _TIME_WORDS.finditer(fold_accents(prefix.lower())):
        last = m
    if last is None:
        return frozenset()
    kind = "month" if last.group("month") else "cumulative"
    return frozenset(p.kind for p in periods if p.kind == kind)


def period_label(chunk: Chunk, unit: str, sentence: str | None = None) -> str:
    """Say whether a figure is the month's or the cumulative one when a report has both;
    of several years the one the quote names, and no label rather than a list."""
    periods = list(chunk.periods)
    if len(periods) > 1:
        periods = (_kinds(unit, periods) or _kinds(sentence or "", periods)
                   or [p for p in periods if p.kind == "month"] or periods)
    if len(periods) > 1 and len({p.kind for p in periods}) == 1:  # "năm 2025", "năm 2030"
        said = {(p.kind, p.year, p.start_month, p.end_month)
                for p in parse_periods(f"{unit} {sentence or ''}")}
        named = [p for p in periods if (p.kind, p.year, p.start_month, p.end_month) in said]
        periods = named if len(named) == 1 else []  # the quote says, or no label can
    return "; ".join(p.label for p in periods)


def _months(p: Period) -> tuple[int, int]:
    year = p.year or 0
    return year * 12 + p.start_month, year * 12 + p.end_month


def nearest_period(asked: Period, available: list[Period]) -> Period | None:
    """The available period closest to the asked one: same kind first, then the smallest
    gap between their month ranges (so "quý I/2026" for "6 tháng đầu năm 2026")."""
    if not available:
        return None
    a0, a1 = _months(asked)

    def distance(p: Period) -> tuple[int, int, int]:
        b0, b1 = _months(p)
        return (abs(a1 - b1) + abs(a0 - b0), p.kind != asked.kind, -b1)

    return min(available, key=distance)
