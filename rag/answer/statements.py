"""The statements of an index version, found by where they stand, for the answer stage.

The composer quotes units of passages (a sentence, a list item, a clause); each figure in a
unit is a statement (``Observation``) with its own period, read at index time by the observe
stage. So the period of what an answer quotes is the period its statement states ("Tính
chung mười tháng …" is ten months even in a report titled "tháng 10"), never the period of
the report the passage stands in.
"""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path

from rag.periods.match import answers, to_date
from rag.records import Observation, Period

_CACHE: OrderedDict[Path, Statements] = OrderedDict()
_CACHE_SIZE = 4  # the live version and the ones a long-running search may still hold
_LOCK = threading.Lock()


@dataclass
class Statements:
    """Body statements by report, ordered by the figure's offset; footnote statements by
    (report, footnote number)."""

    offsets: dict[str, list[int]] = field(default_factory=dict)
    body: dict[str, list[Observation]] = field(default_factory=dict)
    notes: dict[tuple[str, int], list[Observation]] = field(default_factory=dict)
    rows: dict[str, list[Observation]] = field(default_factory=dict)  # table row chunk -> cells
    # indicators some report gives for one month (not January, which is also its year's
    # first month to date): asked for a month, their figure to date is no answer
    monthly: set[str] = field(default_factory=set)

    @classmethod
    def of(cls, observations: list[Observation]) -> Statements:
        out = cls()
        placed = sorted((o for o in observations if o.footnote is None and o.at is not None),
                        key=lambda o: (o.doc_id, o.at))
        for o in placed:
            out.offsets.setdefault(o.doc_id, []).append(o.at)
            out.body.setdefault(o.doc_id, []).append(o)
        for o in observations:
            if o.footnote is not None:
                out.notes.setdefault((o.doc_id, o.footnote), []).append(o)
            elif o.at is None:
                out.rows.setdefault(o.chunk_id, []).append(o)
            if o.stated and o.period.kind == "month" and o.period.end_month > 1 and o.group:
                out.monthly.add(o.group)
        return out

    def in_span(self, doc_id: str, start: int, end: int) -> list[Observation]:
        """The statements whose figure stands in ``[start, end)`` of the report's text."""
        offsets = self.offsets.get(doc_id, [])
        lo, hi = bisect.bisect_left(offsets, start), bisect.bisect_left(offsets, end)
        return self.body.get(doc_id, [])[lo:hi]

    def in_note(self, doc_id: str, n: int) -> list[Observation]:
        return self.notes.get((doc_id, n), [])

    def in_row(self, chunk_id: str) -> list[Observation]:
        """The figures of a table-row chunk, one per period column."""
        return self.rows.get(chunk_id, [])


def statements_of(index) -> Statements:
    """The statements of a loaded ``Index`` (built once per version folder)."""
    from rag.index.observations import observations_of

    folder = Path(index.folder)
    with _LOCK:
        if folder in _CACHE:
            _CACHE.move_to_end(folder)
            return _CACHE[folder]
    found = Statements.of(observations_of(index))
    with _LOCK:
        _CACHE[folder] = found
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    return found


def answering(stated: list[Observation], asked: tuple[Period, ...],
              report: tuple[Period, ...], to_date_too: bool = False,
              as_of: str | None = None, monthly: set[str] = frozenset()) -> list[Observation]:
    """The statements whose own period is an asked one (or, with ``to_date_too``, the
    figure to date of an asked month, for an indicator no report gives for a month alone,
    ``monthly`` holding those some report does: "Hết tháng 5, … giải ngân … 816 tỷ đồng";
    or one counted to the cut-off month the question asks by, ``as_of``: "vốn năm 2022 đến
    hết 31/01/2023"). A statement whose text states no period has its report's, which is
    certain only when the report has one period."""
    def match(a: Period, s: Observation) -> bool:
        return (answers(a, s.period) or to_date_too and to_date(a, s.period)
                and not given_monthly(s.group, monthly) or at_end(a, s)
                or bool(as_of and s.as_of and s.as_of[:7] == as_of[:7])
                or in_year(a, s))

    return [s for s in stated if (s.stated or len(report) <= 1)
            and any(match(a, s) for a in asked)]


def dated(stated: list[Observation]) -> list[Observation]:
    """The statements whose period is known (a report that states no time gives its figures
    an unknown year: they neither answer nor rule out an asked period)."""
    return [s for s in stated if s.period.year is not None]


SAME_INDICATOR = 0.6  # no measurement: share of words two keys of one indicator share


def given_monthly(group: str, monthly: set[str]) -> bool:
    """Some report gives this indicator for a month alone (its key, or one sharing most of
    its words: the same indicator named a little differently in another sentence)."""
    if group in monthly:
        return True
    words = set(group.split())
    return bool(words) and any(
        len(words & set(m.split())) >= SAME_INDICATOR * len(words | set(m.split()))
        for m in monthly)


def in_year(asked: Period, s: Observation) -> bool:
    """A year asked, and a figure whose text states no period in a report of that year
    ("Tỷ lệ đỗ tốt nghiệp toàn tỉnh: 97,8%" in a nine-month report): the text claims no
    part of the year for it. A figure stated for months of it is no answer."""
    return asked.kind == "year" and not s.stated and s.period.year == asked.year


def at_end(asked: Period, s: Observation) -> bool:
    """A stock counted at a date in the asked period's last month ("lũy kế toàn tỉnh có …
    HTX" in a quarter's report) is the stock for that period."""
    return bool(s.as_of) and s.period.kind == "month" and (
        s.period.end_month == asked.end_month
        and (asked.year is None or s.period.year == asked.year))
