"""One grammar for the periods of Vietnamese official texts and of officials' questions.

Every phrase that names time is a ``Mention`` with a role, because a monthly report names
many times that are not the period of its figures:

* ``period``: a result period: "tháng Bảy năm 2025", "Tính chung mười tháng năm 2025",
  "Quý II/2024", "cả năm 2024", "5 tháng đầu năm", "từ đầu năm đến ngày 27/10/2025";
* ``asof``: a cut-off date: "Tính đến ngày 15/8/2024", "tại thời điểm 31/7/2025";
* ``this``: the report's own period named without a number: "trong tháng", "cả năm";
* ``base``: a comparison base, never a figure's period: "so với tháng trước", "so với cùng
  kỳ năm 2024", "so với tháng 12 năm trước";
* ``plan``: a plan horizon or target, or a task's due date: "giai đoạn 2026–2030", "tầm
  nhìn đến năm 2045", "kế hoạch năm 2025", "phấn đấu trong tháng 10/2021";
* ``date``: a date of a document, a meeting, a deadline: "ngày 10 tháng 11 năm 2025";
* ``name``: a year in a name or in history: "Luật … năm 2023", "tháng Tám năm 1945".

Matching is on lowercase accent-folded text of the same length as the original (offsets
carry over), in the order of ``rag.periods.patterns``; numbers may be words
(``rag/data/period_words.tsv``) and a match must be written with the diacritics the grammar
means (``rag.periods.words``); the words around a phrase decide its role
(``rag.periods.roles``, ``rag/data/period_context.tsv``).
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.periods.build import BUILD
from rag.periods.mention import ROLES, Mention, fold_same_length
from rag.periods.patterns import BARE_YEAR, QUESTION, patterns
from rag.periods.roles import context_rx, role_of
from rag.periods.words import typed_without_diacritics, written_as_meant

__all__ = ["ROLES", "Mention", "find_periods", "fold_same_length"]
# "tháng 12 và cả năm 2024", "quý IV và năm 2015": periods joined by "và" share the year
_JOINED = re.compile(r"^\s*(?:va|,|\()\s*$")


def find_periods(text: str, question: bool = False, header: bool = False) -> list[Mention]:
    """Every time phrase of ``text``, in order. ``question``: also the bare "5/2024" that an
    official types for a month and a bare year; ``header`` (a table's column header): a
    bare year too ("TH 2019")."""
    folded = fold_same_length(text)
    bare = typed_without_diacritics(text)
    taken = bytearray(len(folded))
    found: list[Mention] = []
    extra = (QUESTION if question else ()) + (BARE_YEAR if question or header else ())
    for kind, rx in patterns() + extra:
        for m in rx.finditer(folded):
            if any(taken[m.start():m.end()]) or not written_as_meant(text[m.start():m.end()],
                                                                     bare):
                continue
            made = BUILD[kind](m, folded)
            if made:
                taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
                found.extend(made)
    found.sort(key=lambda x: x.start)
    found = [role_of(m, text, folded, question) for m in _shared_years(found, folded)]
    return _compared(found, folded) if question else found


def _shared_years(found: list[Mention], folded: str) -> list[Mention]:
    """A period without its year takes the year of the next period joined to it by "và"."""
    out = list(found)
    for i in range(len(out) - 2, -1, -1):
        m, nxt = out[i], out[i + 1]
        if m.year is None and nxt.year and m.first is not None \
                and _JOINED.match(folded[m.end:nxt.start]):
            out[i] = replace(m, year=nxt.year)
    return out


def _compared(found: list[Mention], folded: str) -> list[Mention]:
    """In a question a period after "so với" is a base (``roles``); after another base word
    ("bằng", "hơn") it is one when no result period comes before it. Whether a base is
    rather a second figure to set beside the first ("quý I/2022 so với tháng 1/2023") is
    the question reader's call (``rag.query.asked``)."""
    out: list[Mention] = []
    for m in found:
        after_so_voi = context_rx("base").search(folded[max(0, m.start - 40):m.start])
        if m.role == "period" and after_so_voi and not any(x.role == "period" for x in out):
            m = replace(m, role="base")
        out.append(m)
    return out
