"""One grammar for the periods of Vietnamese official texts and of officials' questions.

Every phrase that names time is a ``Mention`` with a role, because a monthly report names
many times that are not the period of its figures:

* ``period``: a result period: "tháng Bảy năm 2025", "Tính chung mười tháng năm 2025",
  "Quý II/2024", "cả năm 2024", "5 tháng đầu năm", "từ đầu năm đến ngày 27/10/2025";
* ``asof``: a cut-off date: "Tính đến ngày 15/8/2024" (a stock at that date);
* ``this``: the report's own period named without a number: "trong tháng", "cả năm";
* ``base``: a comparison base, never a figure's period: "so với tháng trước", "so với cùng
  kỳ năm 2024", "so với tháng 12 năm trước";
* ``plan``: a plan horizon or target: "giai đoạn 2026–2030", "tầm nhìn đến năm 2045",
  "kế hoạch năm 2025", "đến năm 2030";
* ``date``: a date of a document, a meeting, a deadline: "ngày 10 tháng 11 năm 2025".

Matching is on lowercase accent-folded text of the same length as the original (offsets
carry over), in pattern order; a span taken by an earlier pattern is not read again, so a
date's "tháng 11 năm 2025" is never a month. Numbers may be words (``rag/data/
period_words.tsv``); a match must be written with the diacritics the grammar means
(``rag.periods.words``). Phone numbers, document numbers ("01/2024/NĐ-CP") and durations
("không quá 12 tháng kể từ", "sau 3 tháng") match no pattern or are refused.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from rag.periods.words import numeral_pattern, numeral_values, typed_without_diacritics
from rag.periods.words import written_as_meant as _written
from rag.text import fold_accents

ROLES = ("period", "asof", "this", "base", "plan", "date")


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


_YEAR = r"(?:19|20)\d{2}"


def _y(name: str = "y") -> str:
    """An optional year after a period: "/2024", "-2024", " năm 2024", " 2024"."""
    return rf"(?:\s*(?:/|-|–|nam)?\s*(?P<{name}>{_YEAR})(?![\d/]))?"


def _date(p: str) -> str:
    """dd/mm/yyyy or "ngày dd tháng mm năm yyyy" (the day may be blank in a draft)."""
    return (rf"(?:(?:ngay\s*)?(?P<{p}d>\d{{1,2}})\s*/\s*(?P<{p}m>\d{{1,2}})\s*/\s*"
            rf"(?P<{p}y>{_YEAR})|ngay\s*(?P<{p}e>\d{{1,2}})?\s*thang\s+(?P<{p}n>\d{{1,2}})\s*"
            rf"(?:nam|/)\s*(?P<{p}z>{_YEAR}))(?![\d/])")


_LEAD = r"(?:tinh\s+chung|cong\s+don|luy\s+ke|binh\s+quan(?:\s+chung)?|tinh\s+tu\s+dau\s+nam)"
_DURATION_BEFORE = re.compile(r"(?:khong\s+qua|toi\s+da|toi\s+thieu|it\s+nhat|sau|trong\s+vong|"
                              r"trong\s+thoi\s+han|thoi\s+han|keo\s+dai|han)\s*$")
_DURATION_AFTER = re.compile(r"^\s*(?:ke\s+tu|tinh\s+tu|lien\s+tuc|lien\s+tiep|mot\s+lan|/\s*lan)")
_BASE_BEFORE = re.compile(r"(?:so\s+voi|so|bang|gap|hon|cung\s+ky)\s*(?:cung\s+ky\s*)?$")
_PLAN_BEFORE = re.compile(
    r"(?:\bkh|\bmt|\bukh|giai\s+doan|thoi\s+ky|tam\s+nhin(?:\s+(?:den|toi))?|(?:den|toi)(?:\s+het)?|"
    r"ke\s+hoach(?:\s+von)?|muc\s+tieu(?:\s+(?:den|toi))?|dinh\s+huong(?:\s+(?:den|toi))?|"
    r"phan\s+dau(?:\s+(?:den|toi))?|du\s+toan(?:\s+ngan\s+sach)?|lo\s+trinh|chi\s+tieu)\s*$")
# "nguồn vốn đầu tư công năm 2024", "kế hoạch vốn năm 2021", "các dự án năm 2020": the year
# of a capital plan, not the period of the figure that follows
_CAPITAL_BEFORE = re.compile(r"(?:von(?:\s+dau\s+tu(?:\s+cong)?)?|dau\s+tu\s+cong|du\s+an)\s*$")
_LEAD_BEFORE = re.compile(_LEAD + r"\s*(?:den\s+(?:het\s+)?)?$")


def _num(where: str, name: str) -> str:
    return rf"(?P<{name}>0?\d{{1,2}}|{numeral_pattern(where)})"


def _value(m: re.Match, name: str, where: str) -> int | None:
    raw = m.group(name)
    if raw is None:
        return None
    raw = re.sub(r"\s+", " ", raw)
    return int(raw) if raw.isdigit() else numeral_values(where).get(raw)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern], ...]:
    month, count = _num("month", "m"), _num("count", "n")
    quarter = r"(?P<q>iv|i{1,3}|[1-4]|" + numeral_pattern("quarter")[3:]
    return tuple((kind, re.compile(rx)) for kind, rx in [
        ("window", r"(?:(?:luy\s+ke|tinh)\s+)?tu\s+(?:ngay\s+)?" + _date("a")
         + r"\s*(?:den|-|–)\s*(?:het\s+)?(?:ngay\s+)?" + _date("b")),
        ("from_start", rf"(?:{_LEAD}\s+|tinh\s+)?tu\s+dau\s+nam\s+(?:den|toi)\s+(?:het\s+)?"
         r"(?:ngay\s+)?" + _date("b")),
        ("cutoff", r"(?:(?:tinh|uoc|luy\s+ke)\s+)?(?:den|toi)\s+(?:het\s+)?(?:ngay\s+)?"
         + _date("b")),
        ("date", r"(?<![\d/])" + _date("b")),
        ("combo", rf"\bthang\s+{month}\s+va\s+{count}\s+thang(?:\s+dau)?(?:\s+nam)?" + _y()),
        # "lũy kế đến tháng 5", "(đến) hết tháng 7/2025", "Hết tháng 5": the total to the
        # month's end (a deadline when the sentence sets a task); "đến tháng 9" is a plan
        ("to_month", rf"(?:(?:{_LEAD}|tu\s+dau\s+nam|tinh)\s+(?:den|toi)\s+(?:het\s+)?"
         rf"|(?:(?:den|toi)\s+)?\bhet\s+)thang\s+{month}" + _y()),
        ("to_quarter", rf"(?:(?:den|toi)\s+)?het\s+quy\s+{quarter}\b" + _y()),
        ("range", rf"(?:nam\s+)?(?P<y>{_YEAR})\s*[-–]\s*(?P<z>{_YEAR})\b"),
        ("cumulative", rf"(?:{_LEAD}\s+|trong\s+)?\b{count}\s+thang(?:\s+(?P<pos>dau|cuoi))?"
         r"(?:\s+nam)?" + _y()),
        ("half", r"\bnua\s+(?P<pos>dau|cuoi)\s+nam" + _y()),
        ("month", rf"\bthang\s+{month}\b(?!\s*/\s*\d{{1,2}}\s*/)(?![.,]\d)" + _y()),
        ("month", r"\bt0?(?P<m>\d{1,2})\s*[/-]\s*(?P<y>" + _YEAR + r")(?![\d/])"),
        ("quarter", rf"\bquy\s+{quarter}\b" + _y()),
        ("quarter", r"\bq(?P<q>[1-4])\s*[/-]\s*(?P<y>" + _YEAR + r")(?![\d/])"),
        ("year", rf"\b(?:ca\s+)?nam\s+(?P<y>{_YEAR})(?![\d/])(?:\s+uoc\s+tinh)?"),
        ("whole_year", r"\bca\s+nam\b"),
        ("relative", r"\b(?:thang|quy|nam|ky)\s+truoc\b|\bcung\s+ky\b"),
        ("this", r"\b(?:trong|cua)\s+(?P<u>thang|quy)\b(?!\s+(?:\d|truoc|toi))"
         r"|\b(?P<v>thang|quy)\s+nay\b"),
    ])


_QUESTION = (("month", re.compile(r"(?<![\d/.,])(?P<m>\d{1,2})\s*/\s*(?P<y>(?:19|20)\d{2})"
                                  r"(?![\d/])")),)
# A bare year names a year in a question ("CPI 2023") and a table header ("TH 2019",
# "KH 2020": a plan), never in running text, where years stand in names and numbers.
_BARE_YEAR = (("year", re.compile(r"(?<![\d/.,\-–])(?P<y>(?:19|20)\d{2})(?![\d/.,%\-–])")),)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}


def find_periods(text: str, question: bool = False, header: bool = False) -> list[Mention]:
    """Every time phrase of ``text``, in order. ``question``: also the bare "5/2024" that an
    official types for a month (in a report "01/2024/NĐ-CP" is a document number) and a
    bare year; ``header`` (a table's column header): a bare year too."""
    folded = fold_same_length(text)
    bare = typed_without_diacritics(text)
    taken = bytearray(len(folded))
    found: list[Mention] = []
    patterns = _patterns() + (_QUESTION if question else ()) + (
        _BARE_YEAR if question or header else ())
    for kind, rx in patterns:
        for m in rx.finditer(folded):
            if any(taken[m.start():m.end()]) or not _written(text[m.start():m.end()], bare):
                continue
            mention = _BUILD[kind](m, folded)
            if mention is None:
                continue
            taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
            if mention.kind == "combo":  # "tháng 10 và 10 tháng năm 2025": two periods
                found.extend(_with_role(x, folded, question) for x in _split_combo(mention, m))
            else:
                found.append(_with_role(mention, folded, question))
    found.sort(key=lambda x: x.start)
    return _compared(found, folded) if question else found


def _compared(found: list[Mention], folded: str) -> list[Mention]:
    """In a question, "quý I/2022 so với tháng 1/2023" asks for both periods, but in "mục
    tiêu năm 2030 giảm bao nhiêu so với 2024" the period after "so với" is the base: it is
    asked only when a result period comes before it."""
    out: list[Mention] = []
    for m in found:
        after_so_voi = _BASE_BEFORE.search(folded[max(0, m.start - 40):m.start])
        if m.role == "period" and after_so_voi and not any(x.role == "period" for x in out):
            m = _replace(m, role="base")
        out.append(m)
    return out


def _with_role(m: Mention, folded: str, question: bool = False) -> Mention:
    """The context decides a period's role: "so với …" is a base, "giai đoạn …" a plan. In a
    question, "quý I/2022 so với tháng 1/2023" asks for both periods; only "so với cùng kỳ
    năm 2024" names a base there."""
    before = folded[max(0, m.start - 40):m.start]
    if m.role != "period":
        return m
    base = _BASE_BEFORE.search(before)
    if base and (not question or "cung ky" in base.group(0)):
        return _replace(m, role="base")
    if _PLAN_BEFORE.search(before) and m.kind in ("year", "month", "quarter") or (
            m.kind == "year" and _CAPITAL_BEFORE.search(before)):
        return _replace(m, role="plan")
    if _LEAD_BEFORE.search(before):
        return _replace(m, lead=True)
    return m


def _replace(m: Mention, **changes) -> Mention:
    from dataclasses import replace

    return replace(m, **changes)


def _int(m: re.Match, name: str) -> int | None:
    value = m.groupdict().get(name)
    return int(value) if value else None


def _date_parts(m: re.Match, p: str) -> tuple[int, int, int | None] | None:
    """(year, month, day) of the date pattern with prefix ``p``."""
    if m.group(f"{p}y"):
        y, mo, d = _int(m, f"{p}y"), _int(m, f"{p}m"), _int(m, f"{p}d")
    else:
        y, mo, d = _int(m, f"{p}z"), _int(m, f"{p}n"), _int(m, f"{p}e")
    if not 1 <= mo <= 12 or d is not None and not 1 <= d <= 31:
        return None
    return y, mo, d


def _iso(y: int, mo: int, d: int | None) -> str:
    return f"{y}-{mo:02d}-{d:02d}" if d else f"{y}-{mo:02d}"


def _span(m: re.Match, kind: str, year, first: int, last: int, **kw) -> Mention:
    return Mention(m.start(), m.end(), kw.pop("role", "period"), kind, year, first, last, **kw)


def _window(m: re.Match, folded: str) -> Mention | None:
    """"từ ngày 26/06/2025 - 25/07/2025" (a month's reporting window) is that month;
    "Lũy kế từ ngày 22/12/2024 đến ngày 21/10/2025" is the year to its last month."""
    a, b = _date_parts(m, "a"), _date_parts(m, "b")
    if a is None or b is None:
        return None
    months = (b[0] * 12 + b[1]) - (a[0] * 12 + a[1])
    if months <= 1:
        return _span(m, "month", b[0], b[1], b[1], as_of=_iso(*b))
    return _span(m, "cumulative", b[0], 1, b[1], as_of=_iso(*b), lead=True)


def _from_start(m: re.Match, folded: str) -> Mention | None:
    b = _date_parts(m, "b")
    return None if b is None else _span(m, "cumulative", b[0], 1, b[1], as_of=_iso(*b), lead=True)


def _cutoff(m: re.Match, folded: str) -> Mention | None:
    b = _date_parts(m, "b")
    return None if b is None else _span(m, "date", b[0], b[1], b[1], day=b[2], as_of=_iso(*b),
                                        role="asof")


def _plain_date(m: re.Match, folded: str) -> Mention | None:
    b = _date_parts(m, "b")
    return None if b is None else _span(m, "date", b[0], b[1], b[1], day=b[2], role="date")


def _combo(m: re.Match, folded: str) -> Mention | None:
    """"tháng 10 và 10 tháng năm 2025": the month, then (built by the caller) the count."""
    month, n = _value(m, "m", "month"), _value(m, "n", "count")
    if not month or not n or not 1 <= month <= 12 or not 2 <= n <= 12:
        return None
    return _span(m, "combo", _int(m, "y"), 1, n, day=month)


def _split_combo(c: Mention, m: re.Match) -> list[Mention]:
    month = Mention(c.start, m.start("n"), "period", "month", c.year, c.day, c.day)
    return [month, Mention(m.start("n"), c.end, "period", "cumulative", c.year, 1, c.last)]


def _to_month(m: re.Match, folded: str) -> Mention | None:
    month = _value(m, "m", "month")
    if not month or not 1 <= month <= 12:
        return None
    return _span(m, "cumulative" if month > 1 else "month", _int(m, "y"), 1, month, lead=True)


def _quarter_number(m: re.Match) -> int | None:
    raw = re.sub(r"\s+", " ", m.group("q"))
    return _ROMAN.get(raw) or (int(raw) if raw.isdigit() else numeral_values("quarter").get(raw))


def _to_quarter(m: re.Match, folded: str) -> Mention | None:
    q = _quarter_number(m)
    return None if not q else _span(m, "cumulative", _int(m, "y"), 1, 3 * q, lead=True)


def _range(m: re.Match, folded: str) -> Mention | None:
    y, z = _int(m, "y"), _int(m, "z")
    if not y < z <= y + 50:
        return None
    return _span(m, "span", y, 1, 12, end_year=z, role="plan")


def _cumulative(m: re.Match, folded: str) -> Mention | None:
    """"N tháng (đầu năm) (2024)": a count in words needs an anchor (a lead-in, "đầu năm",
    a year); a bare count is a duration after "sau", "không quá" or before "kể từ"."""
    n = _value(m, "n", "count")
    if not n or not 2 <= n <= 12:
        return None
    anchored = bool(m.group("pos") or m.group("y"))
    lead = _lead_in(m, folded)
    if not anchored and not m.group("n").isdigit() and not lead:
        return None
    if not anchored and (_DURATION_BEFORE.search(folded[max(0, m.start() - 25):m.start()])
                         or _DURATION_AFTER.match(folded[m.end():m.end() + 20])):
        return None
    if m.group("pos") == "cuoi":
        return _span(m, "span", _int(m, "y"), 13 - n, 12)
    return _span(m, "cumulative", _int(m, "y"), 1, n, lead=lead)


def _lead_in(m: re.Match, folded: str) -> bool:
    """The match opens on a lead-in, or one stands right before it."""
    return bool(re.match(_LEAD + r"|trong\b", m.group(0))
                or _LEAD_BEFORE.search(folded[max(0, m.start() - 30):m.start()]))


def _half(m: re.Match, folded: str) -> Mention:
    first = 1 if m.group("pos") == "dau" else 7
    return _span(m, "cumulative" if first == 1 else "span", _int(m, "y"), first, first + 5)


def _month(m: re.Match, folded: str) -> Mention | None:
    month = _value(m, "m", "month")
    if not month or not 1 <= month <= 12:
        return None
    word = m.group("m")
    if word == "nam" and not m.group("y") and not re.match(r"\s*(?:nam\s+\d|[,.;:)]|$)",
                                                         folded[m.end():m.end() + 8]):
        return None  # "tháng năm" (time) is May only with its year or standing alone
    return _span(m, "month", _int(m, "y"), month, month)


def _quarter(m: re.Match, folded: str) -> Mention | None:
    q = _quarter_number(m)
    return None if not q else _span(m, "quarter", _int(m, "y"), 3 * q - 2, 3 * q)


def _year(m: re.Match, folded: str) -> Mention:
    return _span(m, "year", _int(m, "y"), 1, 12)


def _whole_year(m: re.Match, folded: str) -> Mention:
    return _span(m, "year", None, 1, 12, role="this")


def _relative(m: re.Match, folded: str) -> Mention:
    return _span(m, "relative", None, None, None, role="base")


def _this(m: re.Match, folded: str) -> Mention:
    unit = m.group("u") or m.group("v")
    return _span(m, f"{'month' if unit == 'thang' else 'quarter'}_this", None, None, None,
                 role="this")


_BUILD: dict[str, Callable[[re.Match, str], Mention | None]] = {
    "window": _window, "from_start": _from_start, "cutoff": _cutoff, "date": _plain_date,
    "combo": _combo, "to_month": _to_month, "to_quarter": _to_quarter, "range": _range,
    "cumulative": _cumulative, "half": _half, "month": _month, "quarter": _quarter,
    "year": _year, "whole_year": _whole_year, "relative": _relative, "this": _this,
}
