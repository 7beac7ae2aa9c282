"""The sheets of a workbook as plain records, whichever library read them.

Both readers (``rag.ingest.sheets.xlsx`` with openpyxl, ``rag.ingest.sheets.xls`` with
xlrd) give the same ``RawSheet``: the filled cells of one visible worksheet with the
value the file stores (a formula's cached result, never the formula), the cell's number
format, indent and boldness, the merged ranges and the hidden rows and columns. Nothing
later looks at the library's objects.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Bounds on one workbook (each refused with one line, ``rag.errors`` "sheet.*").
# format: a statistics office release has 15-50 sheets; 200 is several releases in one file.
MAX_SHEETS = 200
# measured: the six real releases hold 2,300-7,500 filled cells; openpyxl reads a synthetic
# 204,000-cell sheet in 1.5 CPU-s and 83 MB (~400 bytes a cell), so 500,000 cells stay near
# 200 MB. Their rows still have to be embedded (~0.15 CPU-s a row on 2 cores).
MAX_CELLS = 500_000
# measured: that 204,000-cell sheet is 10 MB of XML (~50 bytes a cell): 50 MB of worksheet
# XML is checked before openpyxl loads anything, so a bigger sheet never reaches memory.
MAX_SHEET_XML = 50 * 2**20
# format: the real releases unpack to 1-5 MB; a bigger package is pictures or a zip bomb.
MAX_UNPACKED = 100 * 2**20


@dataclass(frozen=True)
class RawCell:
    value: object  # str | int | float | bool | datetime | None (an error shows as its text)
    fmt: str = "General"  # the number format code
    indent: int = 0  # the alignment's indent level
    bold: bool = False
    across: bool = False  # "centre across selection": a header spanning empty cells


@dataclass
class RawSheet:
    name: str
    cells: dict[tuple[int, int], RawCell]  # (row, column) from 0 -> the filled cells
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # r0, c0, r1, c1
    hidden_rows: frozenset[int] = frozenset()
    hidden_cols: frozenset[int] = frozenset()


@dataclass
class RawBook:
    sheets: list[RawSheet]  # the visible worksheets, in workbook order
    modified: str | None = None  # ISO date the file says it was last saved
    macros: bool = False  # the package holds a VBA project (never run, never read)
