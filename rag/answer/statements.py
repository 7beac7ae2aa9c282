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
              report: tuple[Period, ...], to_date_too: bool = False) -> list[Observation]:
    """The statements whose own period is an asked one (or, with ``to_date_too``, the
    figure to date of an asked month). A statement whose text states no period has its
    report's, which is certain only when the report has one period."""
    match = (lambda a, p: answers(a, p) or to_date(a, p)) if to_date_too else answers
    return [s for s in stated if (s.stated or len(report) <= 1)
            and any(match(a, s.period) for a in asked)]
