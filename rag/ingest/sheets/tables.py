"""A table block of a sheet -> the ``Table`` record every later stage reads.

The same record as a PDF or Word table: caption and number from the title rows, one
header path per column (each value column's period, basis, unit and measure read from
it, ``rag.ingest.tables.columns``), rows with their label path, cells as the sheet
displays them plus the number they show (Vietnamese notation: "1.234,5").
"""

from __future__ import annotations

import re

from rag.ingest.sheets.header import column_path, header_rows
from rag.ingest.sheets.labels import hierarchy, row_label, section_label
from rag.ingest.sheets.layout import Block
from rag.ingest.sheets.view import View
from rag.ingest.tables.columns import describe, inherit
from rag.ingest.tables.grid import H_UNIT
from rag.ingest.tables.rows import make_cell
from rag.ingest.tables.units import paren_unit, split_units, stated_unit
from rag.records import Table, TableCell, TableColumn, TableRow

_NUMBER = re.compile(r"^\s*(?:biểu\s*(?:số\s*)?)?(\d{1,3}[a-z]?(?:\.\d{1,2})?)\s*[.\-):]\s*",
                     re.IGNORECASE)
LABEL_HEADER = "Chỉ tiêu"  # the label column's name when its header cell is empty


def caption_of(view: View, block: Block) -> tuple[str, str | None, str]:
    """(caption, its printed number, the unit a title line states)."""
    lines, unit = [], ""
    for r in block.title:
        for c in view.cols:
            text = view.shown(r, c)
            if not text or (r, c) in view.cover and view.cover[(r, c)][1] != c:
                continue
            found = stated_unit(text) if text.lower().startswith(("đơn vị", "đvt")) else None
            if found:
                unit = unit or found
            else:
                lines.append(text)
    caption = " ".join(lines)
    m = _NUMBER.match(caption)
    if not unit:
        unit = paren_unit(caption)[1]
    return caption, (m.group(1) if m else None), unit


def _label_cols(view: View, block: Block, hrows: list[int]) -> tuple[list[int], int | None]:
    """The label columns, and the unit column among them ("Đơn vị tính") if any."""
    cols = [c for c in view.cols if c < block.first_value
            and any(view.shown(r, c) for r in block.body)]
    unit = next((c for c in cols if H_UNIT.match(" ".join(column_path(view, hrows, c)))),
                None)
    return [c for c in cols if c != unit], unit


_DITTO = frozenset({'"', "“", "”", "''", "-nt-", "nt"})  # "như trên": as the row above


def _row_units(view: View, rows: list[int], col: int | None) -> dict[int, str]:
    """Each body row's unit from the unit column; a ditto mark repeats the one above."""
    out, last = {}, ""
    for r in rows:
        text = view.shown(r, col) if col is not None else ""
        last = last if text.strip().lower() in _DITTO else text
        out[r] = last
    return out


def _value_cols(view: View, block: Block, hrows: list[int]) -> list[tuple[int, tuple]]:
    """(column, header path) of the columns with a header and a filled body cell."""
    out = []
    for c in view.cols:
        if c < block.first_value or c in view.sheet.hidden_cols:
            continue
        path = column_path(view, hrows, c)
        if path and any(view.text(r, c) for r in block.body):
            out.append((c, path))
    return out


def _units(columns: list[TableColumn], table_unit: str) -> list[TableColumn]:
    """The title's unit goes to the level columns that state none; a list of units
    ("Nghìn tấn; Triệu USD") goes to the measures in their order ("Lượng", "Trị giá"), or,
    when they are not as many, a unit to the measure that names it ("Số dự án": "Dự án")
    and the one unit left to the others."""
    units = split_units(table_unit)
    measures = list(dict.fromkeys(c.measure.lower() for c in columns
                                  if c.kind == "value" and not c.basis and c.measure))
    by_measure = _measure_units(units, measures)
    out = []
    for col in columns:
        unit = col.unit
        if not unit and col.kind == "value" and not col.basis:
            unit = units[0] if len(units) == 1 else by_measure.get(col.measure.lower(), "")
        out.append(TableColumn(col.path, col.kind, col.number, col.period, col.basis, unit,
                               col.measure, col.plan))
    return out


def _measure_units(units: list[str], measures: list[str]) -> dict[str, str]:
    if len(units) < 2:
        return {}
    if len(units) == len(measures):
        return dict(zip(measures, units, strict=True))
    named = {m: u for m in measures for u in units if u.lower() in m}
    left = [u for u in units if u not in named.values()]
    rest = {m: left[0] for m in measures if m not in named} if len(left) == 1 else {}
    return named | rest


def _inherited_unit(path: tuple[str, ...]) -> str:
    """A part row states no unit: its nearest parent's ("Sản lượng thịt hơi xuất chuồng
    (Nghìn tấn)" > "Thịt lợn")."""
    return next((u for label in reversed(path[:-1]) if (u := paren_unit(label)[1])), "")


def build_table(view: View, block: Block, table_id: str) -> Table | None:
    """The ``Table`` of one block (None: no column has both a header and a figure)."""
    caption, number, title_unit = caption_of(view, block)
    table_unit = block.units[0] if block.units else title_unit
    hrows = header_rows(view, block.header)
    labels, unit_col = _label_cols(view, block, hrows)
    values = _value_cols(view, block, hrows)
    if not labels or not values:
        return None
    row_units = _row_units(view, block.body, unit_col)
    label_path = tuple(p for c in labels for p in column_path(view, hrows, c))[:1]
    columns = [TableColumn(label_path or (LABEL_HEADER,), "label")]
    columns += [describe(TableColumn(path), table_unit) for _, path in values]
    columns = _units(inherit(columns, caption), table_unit)
    found = [section_label(text) if (text := block.sections.get(r)) else
             row_label(view, r, labels) for r in block.body]
    rows = []
    for r, lab, (level, path) in zip(block.body, found, hierarchy(found), strict=True):
        if lab is None:
            continue
        text, unit = paren_unit(lab.text)
        unit = row_units[r] or unit or _inherited_unit(path)
        cells = [TableCell(path[-1] if path else text)]
        cells += [make_cell("" if r in block.sections else view.text(r, c), ",", True)
                  for c, _ in values]
        rows.append(TableRow(lab.code, text, path, level, unit, tuple(cells)))
    if not rows:
        return None
    return Table(table_id, caption, number, tuple(columns), tuple(rows), decimal=",",
                 sheet=view.sheet.name, unit=table_unit)
