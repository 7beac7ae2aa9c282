"""Office Open XML workbooks (.xlsx, .xlsm content) through openpyxl.

openpyxl is the one reader that gives everything a sheet's table needs (measured in
``eval/bench_sheets.py``, README "Workbooks"): the cached result of each formula
(``data_only``: formulas are never evaluated), number formats (the value as displayed),
merged cells (headers), hidden rows and columns (working figures the office hides) and
indent and bold (row hierarchy). Its read-only mode has no merged cells and no hidden
columns; python-calamine has neither formats nor hidden columns.
"""

from __future__ import annotations

import warnings
import zipfile
from datetime import datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from rag.errors import InputError
from rag.ingest.sheets.raw import RawBook, RawCell, RawSheet


def read_xlsx(path: Path) -> RawBook:
    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # unknown extensions, data validation, ...
            wb = openpyxl.load_workbook(path, data_only=True, keep_vba=False, keep_links=False,
                                        rich_text=False)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, ParseError, OSError,
            AttributeError, IndexError) as exc:
        raise InputError("sheet.damaged", name=path.name,
                         why=f"{type(exc).__name__}: {str(exc)[:100]}") from None
    sheets = [_sheet(ws) for ws in wb.worksheets if ws.sheet_state == "visible"]
    modified = wb.properties.modified
    return RawBook(sheets, modified.date().isoformat() if isinstance(modified, datetime)
                   else None)


def _sheet(ws) -> RawSheet:
    cells: dict[tuple[int, int], RawCell] = {}
    # ws._cells holds only the cells the file has; iter_rows would create every cell of
    # the used range (a sheet formatted to column IV has 256 per row)
    for (r, c), cell in ws._cells.items():  # noqa: SLF001
        value = cell.value
        if value is None or (isinstance(value, str) and not value.strip()):
            continue
        al, font = cell.alignment, cell.font
        cells[(r - 1, c - 1)] = RawCell(value, cell.number_format or "General",
                                        int(al.indent or 0), bool(font.b),
                                        al.horizontal == "centerContinuous")
    merged = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1)
              for m in ws.merged_cells.ranges]
    hidden_rows = frozenset(r - 1 for r, d in ws.row_dimensions.items() if d.hidden)
    hidden_cols = frozenset(c - 1 for d in ws.column_dimensions.values() if d.hidden
                            for c in range(d.min or 0, (d.max or 0) + 1) if c >= 1)
    return RawSheet(ws.title, cells, merged, hidden_rows, hidden_cols)
