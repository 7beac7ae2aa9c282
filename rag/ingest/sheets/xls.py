"""Legacy Excel 97-2003 workbooks (.xls, BIFF8 in an OLE2 file) through xlrd.

xlrd with ``formatting_info`` gives what openpyxl gives for .xlsx: stored values (a
formula's last result), number formats, merged cells, hidden rows and columns, indent and
bold. An encrypted workbook (a FILEPASS record) is refused; macros are never read.
"""

from __future__ import annotations

import struct
from pathlib import Path

from rag.errors import InputError
from rag.ingest.sheets.raw import RawBook, RawCell, RawSheet

_ACROSS = 6  # hor_align "centred across selection"


def read_xls(path: Path, data: bytes) -> RawBook:
    import xlrd

    try:
        with open("/dev/null", "w") as sink:
            book = xlrd.open_workbook(file_contents=data, formatting_info=True, logfile=sink,
                                      on_demand=False)
    except xlrd.XLRDError as exc:
        if "encrypt" in str(exc).lower():
            raise InputError("sheet.encrypted", name=path.name) from None
        raise InputError("sheet.damaged", name=path.name, why=str(exc)[:120]) from None
    except (struct.error, ValueError, IndexError, KeyError, AssertionError, TypeError,
            UnicodeDecodeError) as exc:
        raise InputError("sheet.damaged", name=path.name,
                         why=f"{type(exc).__name__}: {str(exc)[:100]}") from None
    sheets = [_sheet(book, s) for s in book.sheets() if s.visibility == 0]
    return RawBook(sheets, None)


def _value(book, cell):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        try:
            return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return cell.value
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    if cell.ctype == xlrd.XL_CELL_ERROR:
        return xlrd.error_text_from_code.get(cell.value, "#ERR")
    return cell.value


def _sheet(book, sheet) -> RawSheet:
    cells: dict[tuple[int, int], RawCell] = {}
    for r in range(sheet.nrows):
        for c, cell in enumerate(sheet.row(r)):
            if cell.ctype in (0, 6) or (cell.ctype == 1 and not str(cell.value).strip()):
                continue
            xf = book.xf_list[cell.xf_index]
            fmt = book.format_map.get(xf.format_key)
            font = book.font_list[xf.font_index]
            cells[(r, c)] = RawCell(_value(book, cell), fmt.format_str if fmt else "General",
                                    int(xf.alignment.indent_level or 0),
                                    bool(font.bold or font.weight >= 700),
                                    xf.alignment.hor_align == _ACROSS)
    merged = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sheet.merged_cells]
    hidden_rows = frozenset(r for r, info in sheet.rowinfo_map.items() if info.hidden)
    hidden_cols = frozenset(c for c, info in sheet.colinfo_map.items() if info.hidden)
    return RawSheet(sheet.name, cells, merged, hidden_rows, hidden_cols)
