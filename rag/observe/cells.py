"""Observations of a table row whose columns were read at the door (a workbook's).

Each column already says its period, what it compares with, its unit and its measure
(``TableColumn``, read by the period grammar). A level column ("Ước tính tháng 10 năm
2019 > Trị giá") is one observation for its period; the comparison columns of the same
period and measure ("Tháng 10 năm 2019 so với cùng kỳ năm trước (%) > Trị giá") are its
comparisons. A comparison column no level matches (the index sheets: IIP, CPI, prices)
is an observation of its own, in %, named with its basis unless it is the same period
of the year before. Shares ("Cơ cấu"), the base period's own level and columns without a
period give none. A figure's value is the number the sheet displays.

The indicator's name is the table's subject (its caption without number, periods and
"phân theo …") followed by the row's label path without "total" labels ("TỔNG SỐ",
"Toàn ngành công nghiệp") and "Trong đó:" lines, and the column's measure unless the
name already says it; when the row's first label is a subject the caption lists ("CHỈ
SỐ GIÁ TIÊU DÙNG" in "Chỉ số giá tiêu dùng, chỉ số giá vàng, …"), the path is the name.
"""

from __future__ import annotations

import re

from rag.ingest.tables.words import is_marker, is_total, words
from rag.observe import names
from rag.observe.mentions import load_units
from rag.periods import find_periods
from rag.places import places_in
from rag.records import Chunk, Comparison, Observation, TableColumn, TableRef
from rag.text import fold_accents

# basis of a column -> (Comparison.kind, Comparison.basis) and how the answer says it
BASES = {
    "yoy": ("other", "yoy_ratio", "so với cùng kỳ năm trước"),
    "plan": ("plan_pct", None, "so với kế hoạch"),
    "prev": ("other", "mom", "so với kỳ trước"),
    "start_of_year": ("other", "vs_start_of_year", "so với tháng 12 năm trước"),
    "base_year": ("other", "base_year", "so với kỳ gốc"),
    "other": ("other", None, "so sánh"),
}
_NUMBER = re.compile(r"^\s*(?:biểu\s*(?:số\s*)?)?\d{1,3}[a-z]?(?:\.\d{1,2})?\s*[.\-):]\s*",
                     re.IGNORECASE)
_BY = re.compile(r"\s+(?:phân|chia)\s+theo\b.*$|\(\s*tiếp\s+theo\s*\)", re.IGNORECASE)


def _fold(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", fold_accents(text.lower())))


def subject(caption: str) -> str:
    """"12. Tổng mức bán lẻ … tháng 10 và 10 tháng năm 2019" -> "Tổng mức bán lẻ …"."""
    text = _NUMBER.sub("", caption)
    for m in sorted(find_periods(text), key=lambda m: -m.start):
        text = text[:m.start] + " " + text[m.end:]
    text = _BY.sub("", text)
    for word in sorted(words("filler"), key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(word)}\b", " ", text, flags=re.IGNORECASE)
    text = re.sub(r"\s+", " ", text)
    return re.sub(r"(?:\s+(?:và|từ|đến|tại|thời\s+điểm|năm|tháng|quý|,|-))+\s*$", "",
                  text.strip(), flags=re.IGNORECASE).strip(" ,:-")


def _parts(path: tuple[str, ...]) -> list[str]:
    """The row's labels that name a part: no totals, no "Trong đó:" lines, no unit."""
    out = []
    for label in path:
        plain = re.sub(r"\([^()]*\)", " ", label)
        plain = re.sub(r"^\s*(?:[IVX]+|[A-Z]|\d+(?:\.\d+)*)\s*[.)]\s+", "", plain).strip()
        if not plain or is_marker(plain) or is_total(plain):
            continue
        out.append(plain)
    return out


def indicator_name(ref: TableRef, measure: str = "") -> tuple[str, str, str | None]:
    """(name, key, place): the indicator a row's cells measure, its group key, and the
    province its label names (a province row's figure is that province's, never the
    whole's). The key is the subject's key (the synonyms of
    ``rag/data/indicator_synonyms.tsv`` apply to it: "tổng mức hàng hóa bán lẻ …" is
    "tổng mức bán lẻ hàng hóa …") followed by the parts' and the measure's words."""
    subj = subject(ref.caption)
    parts = _parts(ref.label_path)
    items = [_fold(x) for x in re.split(r",|\s+và\s+", subj) if x.strip()]
    listed = len(items) > 1 and bool(parts) and _fold(parts[0]) in items
    name_parts = parts if listed else [subj, *parts]
    place = None
    if parts:
        found = places_in([parts[-1]])
        if found and _fold(found[0]) == _fold(parts[-1]) - {"tp", "tinh", "thanh", "pho"}:
            place = found[0]
    name = " — ".join(p for p in name_parts if p)
    keys = [names.group_key(name_parts[0]), *(names.group_key(p) for p in name_parts[1:])]
    if measure and not _fold(measure) <= _fold(name):
        name = f"{name} — {measure}"
        keys.append(names.group_key(measure))
    return name, " ".join(k for k in keys if k), place


def measure_key(measure: str) -> str:
    """What a measure is, however a header words it ("Số DN (DN)" = "Số doanh nghiệp")."""
    return names.group_key(measure) if measure else ""


def compares(specs: tuple[TableColumn, ...], level: int, other: int) -> bool:
    """Column ``other`` is a comparison of column ``level``'s figure: same period, and the
    same measure, or none when ``level`` is the only level column of that period ("So với
    cùng kỳ năm trước (%) > 10 tháng năm 2019" of "Cộng dồn 10 tháng năm 2019 > Tổng mức")."""
    a, b = specs[level], specs[other]
    if not b.basis or b.basis in ("share", "base_period") or a.basis or a.period != b.period:
        return False
    if measure_key(a.measure) == measure_key(b.measure):
        return True
    peers = [s for s in specs if s.period == a.period and not s.basis and not s.plan]
    return not b.measure and len(peers) == 1


def observations(chunk: Chunk) -> list[Observation]:
    """The observations of one read row (``chunk.table.specs`` set)."""
    ref = chunk.table
    filled = [k for k, v in enumerate(ref.values) if v is not None
              and ref.specs[k].period is not None and not ref.specs[k].plan]
    levels = [k for k in filled if ref.specs[k].basis == ""]
    compared = [k for k in filled if ref.specs[k].basis in BASES]
    out, used = [], set()
    for k in levels:
        mine = [c for c in compared if compares(ref.specs, k, c)]
        used.update(mine)
        out.append(_observation(chunk, k, tuple(_comparison(ref, c) for c in mine)))
    for c in compared:
        if c not in used:
            out.append(_observation(chunk, c, (_comparison(ref, c),), alone=True))
    return out


def _comparison(ref: TableRef, k: int) -> Comparison:
    kind, basis, _ = BASES[ref.specs[k].basis]
    return Comparison(f"{ref.columns[k]}: {ref.cells[k]}", kind, ref.values[k], basis)


def _observation(chunk: Chunk, k: int, comps: tuple[Comparison, ...],
                 alone: bool = False) -> Observation:
    ref, spec = chunk.table, chunk.table.specs[k]
    name, key, place = indicator_name(ref, spec.measure)
    if alone and spec.basis != "yoy":
        name = f"{name} {BASES[spec.basis][2]}"
        key = f"{key} {names.group_key(BASES[spec.basis][2])}"
    unit = "%" if alone else (spec.unit or ref.unit or None)
    unit = load_units().get(unit.lower(), unit) if unit else None  # "Triệu USD" = "triệu USD"
    figure = ref.cells[k]
    return Observation(
        indicator=names.display(name), group=key, value_text=figure,
        value=ref.values[k], unit=unit, period=spec.period, doc_id=chunk.doc_id,
        chunk_id=chunk.chunk_id, quote=chunk.text, figure=figure, comparisons=comps,
        is_plan=False, place=place)
