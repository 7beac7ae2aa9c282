"""The record of a time phrase, and the folding that keeps a text's offsets."""

from __future__ import annotations

from dataclasses import dataclass

from rag.text import fold_accents

# result period | cut-off date | the report's own ("trong tháng") | comparison base |
# plan horizon or target, or a task's due date | date of a document or event | part of a name
ROLES = ("period", "asof", "this", "base", "plan", "date", "name")


@dataclass(frozen=True)
class Mention:
    """A phrase naming time: where it stands (offsets in the text), what it is, its months."""

    start: int
    end: int
    role: str  # one of ROLES
    kind: str  # month | cumulative | quarter | year | span | date | month_this | quarter_this
    year: int | None = None
    first: int | None = None  # first month of the period
    last: int | None = None  # last month (a date's or cut-off's month)
    day: int | None = None  # a date's day
    as_of: str | None = None  # ISO cut-off date of a cumulative figure or a stock
    lead: bool = False  # opened by a lead-in ("Tính chung", "Cộng dồn", "Lũy kế", "Bình quân")
    end_year: int | None = None  # the last year of a span of years ("giai đoạn 2026-2030")


class _FoldTable(dict):
    """code point -> its lowercase folded character (str.translate), one for one."""

    def __missing__(self, code: int) -> str:
        self[code] = value = (fold_accents(chr(code).lower()) or " ")[0]
        return value


_FOLD = _FoldTable()


def fold_same_length(text: str) -> str:
    """Lowercase, accents folded, one character for one, so offsets carry over."""
    return text.translate(_FOLD)
