"""Matching periods: small pure functions over ``Period`` records.

Two questions are asked of a period, and they differ on purpose:

* ``covers``: can a *report* of this period hold a figure for the asked one? Its months
  must contain the asked months (a January report cannot give "6 tháng đầu năm"); a year
  asked may be in any report of that year (estimates for the whole year). Retrieval uses it.
* ``answers``: is a *figure* of this period the asked figure? Only with the same months of
  the same year: a quarter is not a year, six months are not the year, a month is not its
  cumulative figure. The answer stage uses it.
"""

from __future__ import annotations

from rag.records import Period


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
    contain the asked ones. A year asked is covered by any report of that year, which gives
    the year's plan and estimates (whether it does is the answer stage's ``answers``)."""
    if query.year is not None and doc.year is not None and query.year != doc.year:
        return False
    if query.kind == "year":
        return True
    return doc.start_month <= query.start_month and query.end_month <= doc.end_month


def answers(asked: Period, stated: Period) -> bool:
    """A figure stated for ``stated`` is the figure asked for ``asked``: same months, same
    year (a question without a year takes any year). "3 tháng đầu năm" is "quý I"."""
    if asked.year is not None and stated.year != asked.year:
        return False
    return (asked.start_month, asked.end_month) == (stated.start_month, stated.end_month)


def month_index(p: Period) -> tuple[int, int]:
    """The period's first and last month counted from year 0 (for distances)."""
    year = p.year or 0
    return year * 12 + p.start_month, year * 12 + p.end_month


def nearest(asked: Period, available: list[Period]) -> list[Period]:
    """The available periods ordered by closeness to the asked one: the smallest gap between
    their month ranges, then the same kind first, then the later one."""
    a0, a1 = month_index(asked)

    def distance(p: Period) -> tuple[int, bool, int]:
        b0, b1 = month_index(p)
        return (abs(a1 - b1) + abs(a0 - b0), p.kind != asked.kind, -b1)

    return sorted(dict.fromkeys(available), key=distance)


def to_date(asked: Period, stated: Period) -> bool:
    """A month asked, and a figure from January to that month: what a monthly report gives
    for indicators it only reports to date (disbursement, "Hết tháng 5 …"). Shown as a
    fallback with its own period, never as the month's figure."""
    return (asked.kind == "month" and stated.kind == "cumulative" and stated.start_month == 1
            and stated.end_month == asked.end_month
            and (asked.year is None or stated.year == asked.year))
