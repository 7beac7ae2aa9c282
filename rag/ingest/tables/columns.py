"""What a column header states: the period of its figures, what they are compared with,
their unit and what they measure. Read once, at the door, into the ``TableColumn``.

The period comes from the one grammar (``rag.periods``): "Ước tính tháng 10 năm 2019" is
month 10/2019, "Cộng dồn 10 tháng năm 2019" the ten months, "Quý III năm 2021" the
quarter; a comparison base ("so với cùng kỳ năm trước", "so với tháng 9 năm 2016") is never
the period, it is the basis. A header naming two result periods is ambiguous and gets
none (the grammar's reading is reported, not patched). What is left of the header once
periods, comparisons, status words ("Ước tính", "Cộng dồn") and units are taken out is
the measure ("Lượng", "Trị giá", "Diện tích"): two columns of one period differ by it.
"""

from __future__ import annotations

import re
from dataclasses import replace

from rag.ingest.tables.units import paren_unit
from rag.ingest.tables.words import is_marker, words
from rag.periods import find_periods, fold_same_length, mention_period
from rag.records import Period, TableColumn

_COMPARED = re.compile(r"\bso\s+voi\b|\bso\s+sanh\b")
_PLAN = re.compile(r"\b(ke\s+hoach|du\s+toan|kh)\b")
_SAME = re.compile(r"\bcung\s+(ky|thoi\s+diem)\b")
_PREV = re.compile(r"\b(thang|quy|ky)\s+truoc\b")
_BASE_YEAR = re.compile(r"\bky\s+goc\b|\bgoc\b")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
# what a column's figures compare with; "" a level of its own period, "share" a share of
# the total, "base_period" the comparison base's own level ("Thực hiện cùng kỳ năm trước")
COMPARISONS = ("yoy", "prev", "plan", "start_of_year", "base_year", "other")


def inherit(columns: list[TableColumn], caption: str) -> list[TableColumn]:
    """Columns that state no period take the one period their table's caption states
    ("Sản xuất nông nghiệp đến ngày 15 tháng 10 năm 2019"); a caption naming several
    periods ("tháng 10 và 10 tháng năm 2019") gives none."""
    found = [p for m in find_periods(caption) if m.role in ("period", "asof")
             and (p := mention_period(m)) is not None]
    found = list(dict.fromkeys(found))
    if len(found) != 1:
        return columns
    return [replace(c, period=found[0]) if c.kind == "value" and c.period is None
            and c.basis != "base_period" and not c.plan and not _names_time(c) else c
            for c in columns]


def _names_time(column: TableColumn) -> bool:
    """The header names a period or a date of its own (then it is ambiguous, not silent)."""
    return any(m.role in ("period", "asof", "date")
               for m in find_periods(" ".join(column.path), header=True))


def describe(column: TableColumn, table_unit: str = "") -> TableColumn:
    """The column with its period, basis, unit and measure read from its header path."""
    if column.kind != "value":
        return column
    text = " ".join(column.path)
    mentions = find_periods(text, header=True)
    periods = list(dict.fromkeys(p for m in mentions if m.role in ("period", "asof")
                                 and (p := mention_period(m)) is not None))
    period = periods[0] if len(periods) == 1 else None
    measure = measure_of(column.path)
    basis = _basis(text, mentions, period)
    if basis == "base_period":
        period = None
    if basis == "" and any(measure.lower().startswith(w) for w in words("share")):
        basis = "share"
    unit = header_unit(column.path)
    if not unit and basis and table_unit.strip() == "%":
        unit = "%"
    plan = not basis and (any(m.role == "plan" for m in mentions)
                          or bool(_PLAN.search(fold_same_length(text))))
    return replace(column, period=period, basis=basis, unit=unit, measure=measure, plan=plan)


def header_unit(path: tuple[str, ...]) -> str:
    """The unit a header prints: "(%)", "(Tỷ đồng)" after a level (the lowest one wins)."""
    unit = ""
    for seg in path:
        found = paren_unit(seg)[1]
        unit = found or unit
    return unit


def _basis(text: str, mentions, period: Period | None) -> str:
    folded = fold_same_length(text)
    compared = _COMPARED.search(folded)
    if not compared:  # "Thực hiện cùng kỳ năm trước": the base period's own figures
        return "base_period" if any(m.role == "base" for m in mentions) else ""
    after = folded[compared.end():]
    if _PLAN.search(after) or any(m.role == "plan" for m in mentions):
        return "plan"
    if _PREV.search(after):  # "cùng thời điểm tháng trước" is the month before
        return "prev"
    if _SAME.search(after):
        return "yoy"
    if _BASE_YEAR.search(after):
        return "base_year"
    bases = [m for m in mentions if m.role == "base" and m.year]
    if period is not None and bases:
        return _against(period, bases[0].year, bases[0].first, bases[0].last)
    years = [int(y) for y in _YEAR.findall(after)]
    if period is not None and period.year and years:
        return "yoy" if years[0] == period.year - 1 else "other"
    return "other"


def _against(period: Period, year: int, first: int | None, last: int | None) -> str:
    """The basis a dated base is, relative to the column's period."""
    if first is None or last is None:
        return "other"
    if year == (period.year or 0) - 1 and (first, last) in ((period.start_month,
                                                              period.end_month), (1, 12)):
        return "yoy"
    if year == (period.year or 0) - 1 and (first, last) == (12, 12):
        return "start_of_year"
    span = period.end_month - period.start_month + 1
    if year == period.year and last == period.start_month - 1 and last - first + 1 == span:
        return "prev"
    return "other"


def measure_of(path: tuple[str, ...]) -> str:
    """The header's words once periods, comparisons (a level after a dangling "so với:" is
    its base), status words, "Chia ra:" lines and units are out."""
    out = []
    base_next = False
    for seg in path:
        if base_next or is_marker(seg):
            base_next = False
            continue
        seg = paren_unit(seg)[0]
        folded = fold_same_length(seg)
        m = _COMPARED.search(folded)
        if m:
            base_next = not folded[m.end():].strip(" :")
            seg, folded = seg[:m.start()], folded[:m.start()]
        for p in sorted(find_periods(seg, header=True), key=lambda p: -p.start):
            seg = seg[:p.start] + " " + seg[p.end:]
        out.append(_strip_status(seg))
    words_out = " ".join(w for w in out if w)
    return re.sub(r"\s+", " ", words_out).strip(" :;,-")


def _strip_status(seg: str) -> str:
    text = re.sub(r"\s+", " ", seg).strip(" :;,-()")
    low = text.lower()
    for word in sorted(words("status") | words("filler"), key=len, reverse=True):
        if low == word or low.startswith(word + " "):
            text, low = text[len(word):].strip(" :;,-"), low[len(word):].strip(" :;,-")
    if re.fullmatch(r"(?:năm|tháng|quý)?\s*", low) or re.fullmatch(r"[\W\d]*", low):
        return ""
    return text
