"""Units of tables: where a table, a column or a row states its unit, and what is a unit.

A table that has no unit column states its unit in its caption's unit line ("Đơn vị:
triệu đồng", "Đơn vị tính: %", a sheet's "Nghìn tấn; Triệu USD" over the header), an
"ĐVT: …" cell of its header, or after the thing measured, in parentheses ("Kinh phí
(triệu đồng)", "Diện tích (Nghìn ha)", "Cơ cấu (%)").

Units are the printed units of ``rag/data/observation_units.tsv`` (the units of the
national statistics template and the realdocs tables) and those only tables print
(``rag/data/table_words.tsv``: "%", "Tạ/ha", "DN"), so "(2026)" or "(GDP)" of a header
is told from a unit by the table of units, not by its shape; a unit may follow a
multiplier ("Nghìn tỷ đồng") or be a rate ("Tạ/ha").
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from rag.records import Table

_PAREN_ANY = re.compile(r"\(([^()]{1,40})\)")
_DVT = re.compile(r"^\(?\s*(?:đvt|đơn vị(?: tính)?)\s*:\s*(.+?)\s*\)?$", re.IGNORECASE)
_STATED = re.compile(r"^\s*(?:đơn\s*vị\s*(?:tính)?|đvt)\s*[:.]?\s*(?P<unit>.+?)\s*$",
                     re.IGNORECASE)
_PAREN = re.compile(r"\(\s*(?P<unit>[^()]{1,30}?)\s*\)\s*$")
_MULTIPLIERS = ("nghìn", "ngàn", "triệu", "tỷ", "trăm", "chục")  # grammar: number words
MAX_UNIT_WORDS = 5


@lru_cache(maxsize=1)
def _printed() -> frozenset[str]:
    """The printed units of report text (observation_units.tsv, lowercase)."""
    from rag.ingest.tables.words import report_units

    return report_units()


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    """The printed units of reports and those only tables print (table_words.tsv)."""
    from rag.ingest.tables.words import words

    return _printed() | words("unit")


def known_unit(text: str) -> str | None:
    """``text`` when it is a printed unit ("Triệu đồng", "tấn", "nghìn USD")."""
    t = " ".join(text.split()).strip(" .")
    return t if t.lower() in _printed() else None


def header_unit(name: str) -> str | None:
    """The unit a column header names: "Kinh phí (triệu đồng)", "ĐVT: tỷ đồng"."""
    m = _DVT.match(name.strip())
    if m:
        return known_unit(m.group(1)) or m.group(1).strip()
    found = [u for u in (known_unit(x) for x in _PAREN_ANY.findall(name)) if u]
    return found[-1] if found else None


def table_unit(table: Table) -> str:
    """The one unit all value columns name in their headers, else ""."""
    units = []
    for col in table.columns:
        if col.kind != "value":
            continue
        unit = next((u for part in reversed(col.path) if (u := header_unit(part))), None)
        units.append(unit)
    found = {u.lower() for u in units if u}
    if len(found) == 1 and all(units):
        return next(u for u in units if u)
    return ""


def with_unit(table: Table, unit: str) -> Table:
    """The table with ``unit`` on every row that states none (no unit column)."""
    if not unit or any(c.kind == "unit" for c in table.columns):
        return table
    table.rows = tuple(r if r.unit else dataclasses.replace(r, unit=unit) for r in table.rows)
    return table


def is_unit(text: str) -> bool:
    """Whether ``text`` names a unit of measure ("Tỷ đồng", "Nghìn tấn; Triệu USD")."""
    parts = [p.strip() for p in re.split(r"[;,]", text) if p.strip()]
    return bool(parts) and all(_one_unit(p) for p in parts)


def _one_unit(text: str) -> bool:
    low = re.sub(r"\s+", " ", text.lower()).strip()
    if not low or len(low.split()) > MAX_UNIT_WORDS or any(ch.isdigit() for ch in low.replace(
            "m3", "").replace("m2", "")):
        return False
    if low in _known():
        return True
    head, _, rest = low.partition(" ")
    if head in _MULTIPLIERS and rest in _known():
        return True
    a, slash, b = low.partition("/")
    return bool(slash) and (_one_unit(a) or a in _MULTIPLIERS) and _one_unit(b)


def stated_unit(text: str) -> str | None:
    """"Đơn vị tính: Tỷ đồng" -> "Tỷ đồng"; "%" -> "%"; a plain title -> None."""
    m = _STATED.match(text)
    if m:
        return m.group("unit").rstrip(" .;")
    return text.strip() if is_unit(text) else None


def paren_unit(text: str) -> tuple[str, str]:
    """("Diện tích", "Nghìn ha") for "Diện tích (Nghìn ha)"; (text, "") without one."""
    m = _PAREN.search(text)
    if m and is_unit(m.group("unit")):
        return text[:m.start()].rstrip(" ,:"), m.group("unit")
    return text, ""


def split_units(unit: str) -> list[str]:
    """"Nghìn tấn; Triệu USD" -> ["Nghìn tấn", "Triệu USD"]."""
    return [p.strip() for p in re.split(r"[;,]", unit) if p.strip()]
