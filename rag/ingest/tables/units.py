"""The unit of a table that has no unit column: from its caption's unit line ("Đơn vị:
triệu đồng", read by the reader), an "ĐVT: …" cell of its header, or the unit every value
column's header names in parentheses ("Kinh phí (triệu đồng)").

Units are the printed units of ``rag/data/observation_units.tsv`` (the units of the
national statistics template and the realdocs tables), so "(2026)" or "(%)" of a
column header is told from a unit by the table of units, not by its shape.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache
from pathlib import Path

from rag.records import Table

_UNITS = Path(__file__).resolve().parents[2] / "data" / "observation_units.tsv"
_PAREN = re.compile(r"\(([^()]{1,40})\)")
_DVT = re.compile(r"^\(?\s*(?:đvt|đơn vị(?: tính)?)\s*:\s*(.+?)\s*\)?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    out = set()
    for line in _UNITS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            out.add(line.split("\t")[0].strip().lower())
    return frozenset(out)


def known_unit(text: str) -> str | None:
    """``text`` when it is a printed unit ("Triệu đồng", "tấn", "nghìn USD")."""
    t = " ".join(text.split()).strip(" .")
    return t if t.lower() in _known() else None


def header_unit(name: str) -> str | None:
    """The unit a column header names: "Kinh phí (triệu đồng)", "ĐVT: tỷ đồng"."""
    m = _DVT.match(name.strip())
    if m:
        return known_unit(m.group(1)) or m.group(1).strip()
    found = [u for u in (known_unit(x) for x in _PAREN.findall(name)) if u]
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
